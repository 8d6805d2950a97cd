package common

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/lucasb-eyer/go-colorful"
)

// The floors are WCAG 2's level AA. Text, bold or not, needs 4.5:1
// (success criterion 1.4.3): terminal text is never "large" in WCAG's
// sense (18 point, or 14 point bold), so no style earns the lower floor
// large text gets. A panel's border needs 3:1 (1.4.11, non-text
// contrast): it is what tells one panel from the next.
const (
	textFloor   = 4.5
	borderFloor = 3.0
	// distinctFloor is the least CIEDE2000 difference between two colours
	// that must be told apart at a glance. 2.3 is just noticeable side by
	// side in large patches; thin glyphs need several times that. 15 is
	// our own choice: it fails the response's orange and the hand-offs'
	// khaki at 256 colours (#FFAF5F and #D7AF5F, 10.9 apart), which are
	// hard to tell apart as the arrows of one diagram.
	distinctFloor = 15
)

// mustDiffer are the styles that stand for opposite things side by side:
// a request's hops and its response's (and the hand-offs between them) in
// the journey, and the lines a hop added, removed or rewrote in the diff.
var mustDiffer = [][2]string{
	{"Down", "Up"}, {"Down", "Handoff"}, {"Up", "Handoff"},
	{"Added", "Removed"}, {"Added", "Changed"}, {"Removed", "Changed"},
	{"OK", "Failed"},
}

// terminal is a background a palette is meant for, and for terminals of
// 16 colours the values the terminal gives those 16.
type terminal struct {
	name    string
	bg      color.Color
	sixteen *[16]color.RGBA // nil where it is the 256-colour profile or more
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

var (
	black, vscode, white = rgb(0x000000), rgb(0x1E1E1E), rgb(0xFFFFFF)

	// The 16 colours of xterm, of macOS's Terminal.app and of the Linux
	// console (VGA's), as they ship.
	xterm = [16]color.RGBA{
		rgb(0x000000), rgb(0xCD0000), rgb(0x00CD00), rgb(0xCDCD00), rgb(0x0000EE), rgb(0xCD00CD), rgb(0x00CDCD), rgb(0xE5E5E5),
		rgb(0x7F7F7F), rgb(0xFF0000), rgb(0x00FF00), rgb(0xFFFF00), rgb(0x5C5CFF), rgb(0xFF00FF), rgb(0x00FFFF), rgb(0xFFFFFF),
	}
	terminalApp = [16]color.RGBA{
		rgb(0x000000), rgb(0xC23621), rgb(0x25BC24), rgb(0xADAD27), rgb(0x492EE1), rgb(0xD338D3), rgb(0x33BBC8), rgb(0xCBCCCD),
		rgb(0x818383), rgb(0xFC391F), rgb(0x31E722), rgb(0xEAEC23), rgb(0x5833FF), rgb(0xF935F8), rgb(0x14F0F0), rgb(0xE9EBEB),
	}
	linuxConsole = [16]color.RGBA{
		rgb(0x000000), rgb(0xAA0000), rgb(0x00AA00), rgb(0xAA5500), rgb(0x0000AA), rgb(0xAA00AA), rgb(0x00AAAA), rgb(0xAAAAAA),
		rgb(0x555555), rgb(0xFF5555), rgb(0x55FF55), rgb(0xFFFF55), rgb(0x5555FF), rgb(0xFF55FF), rgb(0x55FFFF), rgb(0xFFFFFF),
	}
)

// terminals returns the terminals a profile and a background stand for.
// Past 16 colours the values are every terminal's (the 256 colours'
// cube and greys are fixed), so only the background varies: black
// (Terminal.app's Pro, iTerm2, xterm -rv) and VS Code's #1E1E1E, or white
// (Terminal.app's Basic, xterm). With 16 colours, each terminal's own
// palette on its own black or white (the terminals on #1E1E1E, VS Code's
// and Windows Terminal's, show 16 million); the Linux console has no
// light one.
func terminals(p colorprofile.Profile, isDark bool) []terminal {
	switch {
	case p > colorprofile.ANSI && isDark:
		return []terminal{{name: "on #000000", bg: black}, {name: "on #1E1E1E", bg: vscode}}
	case p > colorprofile.ANSI:
		return []terminal{{name: "on #FFFFFF", bg: white}}
	case isDark:
		return []terminal{{"xterm", black, &xterm}, {"Terminal.app", black, &terminalApp}, {"Linux console", black, &linuxConsole}}
	default:
		return []terminal{{"xterm", white, &xterm}, {"Terminal.app", white, &terminalApp}}
	}
}

// shows returns the colour the terminal shows for c once the renderer
// has brought c down to profile p, as colorprofile does, and the name of
// what the renderer sends.
func (t terminal) shows(p colorprofile.Profile, c color.Color) (color.Color, string, error) {
	c = p.Convert(c)
	switch i := c.(type) {
	case ansi.BasicColor:
		if t.sixteen == nil {
			return nil, "", fmt.Errorf("%s: its value is the terminal's own", nameOf(c))
		}
		return t.sixteen[i], nameOf(c), nil
	case ansi.IndexedColor:
		if i < 16 {
			return nil, "", fmt.Errorf("%s: its value is the terminal's own", nameOf(c))
		}
	}
	return c, nameOf(c), nil
}

// nameOf names a colour as the renderer sends it: one of the 16, one of
// the 256, or its RGB value.
func nameOf(c color.Color) string {
	switch c := c.(type) {
	case ansi.BasicColor:
		return fmt.Sprintf("ANSI %d", c)
	case ansi.IndexedColor:
		return fmt.Sprintf("256:%d", c)
	}
	return rgbOf(c)
}

// rgbOf is c's RGB value, "#RRGGBB".
func rgbOf(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8)
}

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two colours, from 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// sample is one colour the TUI draws with: what draws it, the colour,
// the background under it (nil for the terminal's) and the contrast it
// needs.
type sample struct {
	what   string
	fg, bg color.Color
	floor  float64
}

// samples returns every colour st draws with: each style's text and
// border colour, by the style's name ("Down", "Panel border"), and the
// lesson text's, by its element's ("lesson text Code").
func samples(t *testing.T, st *Styles) []sample {
	text, borders := styleSamples(reflect.ValueOf(st).Elem(), "")
	md, mdBorders := styleSamples(reflect.ValueOf(st.Markdown), "lesson text ")
	if len(mdBorders) > 0 {
		t.Errorf("lesson text sets border colours: %v", mdBorders)
	}
	if len(text) == 0 || len(borders) == 0 || len(md) == 0 {
		t.Fatalf("nothing to check: %d text colours, %d borders, %d in the lesson text", len(text), len(borders), len(md))
	}
	return append(append(text, borders...), md...)
}

// styleSamples returns the text and border colours of every Lip Gloss
// style among v's fields, each named by prefix and its field's name. A
// style that sets a background is checked against it.
func styleSamples(v reflect.Value, prefix string) (text, borders []sample) {
	for i := range v.NumField() {
		s, ok := v.Field(i).Interface().(lipgloss.Style)
		if !ok {
			continue
		}
		name := prefix + v.Type().Field(i).Name
		var bg color.Color
		if c := s.GetBackground(); !isNoColor(c) {
			bg = c
		}
		if c := s.GetForeground(); !isNoColor(c) {
			text = append(text, sample{what: name, fg: c, bg: bg, floor: textFloor})
		}
		if c := s.GetBorderTopForeground(); !isNoColor(c) {
			borders = append(borders, sample{what: name + " border", fg: c, floor: borderFloor})
		}
	}
	return text, borders
}

// isNoColor reports whether c leaves the colour to the terminal.
func isNoColor(c color.Color) bool {
	_, ok := c.(lipgloss.NoColor)
	return c == nil || ok
}

// TestReadable checks every colour of every style, in each theme on a
// dark and a light background, at 16, 256 and 16 million colours: its
// contrast against the background, and that the colours standing for
// opposite things stay apart.
func TestReadable(t *testing.T) {
	t.Parallel()
	for _, theme := range []Theme{ThemeDefault, ThemeHighContrast} {
		for _, isDark := range []bool{true, false} {
			for _, p := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI} {
				for _, term := range terminals(p, isDark) {
					bg := map[bool]string{true: "dark", false: "light"}[isDark]
					t.Run(fmt.Sprintf("%s/%s/%s/%s", theme, bg, p, term.name), func(t *testing.T) {
						t.Parallel()
						checkReadable(t, NewStyles(theme, isDark, p), p, term)
					})
				}
			}
		}
	}
}

// checkReadable checks every colour st draws with, as term shows it at
// profile p.
func checkReadable(t *testing.T, st *Styles, p colorprofile.Profile, term terminal) {
	shown := map[string]color.Color{}
	for _, s := range samples(t, st) {
		fg, name, err := term.shows(p, s.fg)
		bg := term.bg
		if err == nil && s.bg != nil {
			bg, _, err = term.shows(p, s.bg)
		}
		if err != nil {
			t.Errorf("%s: %v", s.what, err)
			continue
		}
		shown[s.what] = fg
		r := contrast(fg, bg)
		t.Logf("%-30s %-8s -> %-8s %5.2f:1", s.what, nameOf(s.fg), name, r)
		if r < s.floor {
			t.Errorf("%s %s shows as %s (%s): %.2f:1 against %s, below %.1f:1",
				s.what, nameOf(s.fg), name, rgbOf(fg), r, rgbOf(bg), s.floor)
		}
	}
	for _, pair := range mustDiffer {
		a, b := shown[pair[0]], shown[pair[1]]
		if a == nil || b == nil {
			t.Errorf("%s or %s has no colour", pair[0], pair[1])
			continue
		}
		ca, _ := colorful.MakeColor(a)
		cb, _ := colorful.MakeColor(b)
		d := 100 * ca.DistanceCIEDE2000(cb)
		t.Logf("%s and %s: %s and %s, %.1f apart", pair[0], pair[1], rgbOf(a), rgbOf(b), d)
		if d < distinctFloor {
			t.Errorf("%s and %s look alike: %s and %s, %.1f apart (CIEDE2000), below %d",
				pair[0], pair[1], rgbOf(a), rgbOf(b), d, distinctFloor)
		}
	}
}
