package common

import (
	"strconv"

	gansi "charm.land/glamour/v2/ansi"
	gstyles "charm.land/glamour/v2/styles"
	"github.com/charmbracelet/colorprofile"
)

// markdown returns the style glamour draws lesson text in: glamour's own
// dark or light style, with every colour it sets taken from palette p.
// Several of glamour's own are unreadable on the background they are
// made for (inline code on white: 2.3:1, links: 2.8:1). Code blocks are
// drawn in the text's colour: glamour registers the first syntax theme it
// is given for the whole process, so highlighting could not follow the
// background once the terminal reports it.
func markdown(p palette, isDark bool, profile colorprofile.Profile) gansi.StyleConfig {
	cfg := gstyles.LightStyleConfig
	if isDark {
		cfg = gstyles.DarkStyleConfig
	}
	c := func(s shade) *string {
		v := s.rgb
		if profile == colorprofile.ANSI {
			v = strconv.Itoa(int(s.ansi))
		}
		return &v
	}
	cfg.Document.Color = c(p.fg)
	cfg.Heading.Color = c(p.accent)
	cfg.H1.Color, cfg.H1.BackgroundColor = c(p.accent), nil
	cfg.H6.Color = nil // the heading's
	cfg.HorizontalRule.Color = c(p.dim)
	cfg.Link.Color, cfg.LinkText.Color = c(p.down), c(p.down)
	cfg.Image.Color, cfg.ImageText.Color = c(p.down), c(p.dim)
	cfg.Code.Color, cfg.Code.BackgroundColor = c(p.bad), nil
	cfg.CodeBlock.Color, cfg.CodeBlock.Chroma = c(p.fg), nil
	return cfg
}
