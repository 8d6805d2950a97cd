// Package common holds what every screen and panel of the TUI shares: the
// size it has to draw in, the styles of the theme in use, and the one key
// map every screen reads its keys and its help from.
package common

// Common is handed to every component: its size, the styles and the keys.
// Styles and Keys are shared; a component changes only its own size.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
}

// New returns a Common with the given styles and the default key map.
func New(styles *Styles) Common {
	return Common{Styles: styles, Keys: DefaultKeyMap()}
}

// SetSize records the size the component has to draw in.
func (c *Common) SetSize(width, height int) {
	c.Width, c.Height = max(width, 0), max(height, 0)
}

// Sizes of the layouts.
const (
	// MinWidth and MinHeight are the smallest terminal the lab draws in;
	// below it a screen asks for a bigger one.
	MinWidth, MinHeight = 80, 24
	// WideWidth and WideHeight are the size from which the lesson screen
	// shows every panel at once instead of one at a time.
	WideWidth, WideHeight = 100, 30
)
