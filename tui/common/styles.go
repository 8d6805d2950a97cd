package common

import (
	"fmt"
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/ngw2f/ngw2f-lab/tui/markdown"
)

// Theme names a set of colours.
type Theme string

// The themes the lab has.
const (
	// ThemeDefault suits dark and light terminals alike.
	ThemeDefault Theme = "default"
	// ThemeHighContrast is for projectors: bright colours, bold text,
	// thick borders.
	ThemeHighContrast Theme = "high-contrast"
)

// ParseTheme returns the theme named s.
func ParseTheme(s string) (Theme, error) {
	switch Theme(s) {
	case ThemeDefault, ThemeHighContrast:
		return Theme(s), nil
	}
	return "", fmt.Errorf("unknown theme %q (want %s or %s)", s, ThemeDefault, ThemeHighContrast)
}

// Styles are the lab's styles. Nothing the learner needs is told by colour
// alone: marks (✓, ▶, +, -) and attributes (bold, reverse) carry it too, so
// the screen reads the same under NO_COLOR.
type Styles struct {
	Header       lipgloss.Style
	HeaderDim    lipgloss.Style
	Panel        lipgloss.Style // a panel's border
	PanelFocused lipgloss.Style
	PanelTitle   lipgloss.Style
	TabActive    lipgloss.Style
	TabInactive  lipgloss.Style

	Text     lipgloss.Style
	Muted    lipgloss.Style
	Bold     lipgloss.Style
	Selected lipgloss.Style // the selected row: reverse video
	Key      lipgloss.Style // a key in help text
	KeyDesc  lipgloss.Style

	StepCurrent lipgloss.Style
	StepDone    lipgloss.Style
	StepTodo    lipgloss.Style

	OK      lipgloss.Style
	Failed  lipgloss.Style
	Warn    lipgloss.Style
	Error   lipgloss.Style
	ErrBox  lipgloss.Style
	Command lipgloss.Style // a command as typed ("$ telnet localhost 8000")
	Info    lipgloss.Style // the lab's own lines

	Down      lipgloss.Style // request arrows and bytes
	Up        lipgloss.Style // response arrows and bytes
	Handoff   lipgloss.Style
	HopActive lipgloss.Style
	Escape    lipgloss.Style // \r \n \xNN spelled out
	Added     lipgloss.Style
	Removed   lipgloss.Style
	Changed   lipgloss.Style
	Match     lipgloss.Style // a search match

	// Markdown is what lesson text is drawn in.
	Markdown markdown.Styles
	// ID names the theme, background and colour profile the styles are
	// for: a cache of text drawn with them keys on it, to draw it again
	// once the terminal has said what it shows.
	ID string
}

// shade is one colour of a palette. rgb is for terminals of 256 colours
// and more; the renderer brings it down to the nearest of the 256, whose
// values every such terminal shares. ansi is for terminals of 16 colours:
// those are the terminal's own palette, and the nearest one to rgb is often
// unreadable in it (a dark blue on black, any yellow on white), so each
// shade names its own, chosen against the palettes terminals ship with
// (contrast_test.go measures both).
type shade struct {
	rgb  string
	ansi ansi.BasicColor
}

// colour returns the shade as a terminal of profile shows it best.
func (s shade) colour(profile colorprofile.Profile) color.Color {
	c := lipgloss.Color(s.rgb)
	return lipgloss.Complete(profile)(s.ansi, c, c)
}

// palette is the handful of colours a theme is made of.
type palette struct {
	fg, dim, accent, down, up, handoff, ok, bad, warn, border, focus shade
}

// The palettes of each theme on a dark and on a light background. With
// 16 colours, on black the Linux console's brown and every palette's dark
// blue, red and magenta are too dark, so the dark palettes use the bright
// eight; on white only black, red and blue reach 4.5:1 in both xterm's
// and Terminal.app's palettes, so the light ones fall back to black where
// their colour has no readable counterpart, and the marks (✓, +, -, the
// arrows' direction) tell what the colour cannot.
var (
	defaultDark = palette{
		fg: shade{"#DDDDDD", lipgloss.BrightWhite}, dim: shade{"#8A8A8A", lipgloss.White},
		accent: shade{"#A78BFA", lipgloss.BrightMagenta}, down: shade{"#5FB3F0", lipgloss.BrightCyan},
		up: shade{"#F0A05F", lipgloss.BrightYellow}, handoff: shade{"#E08AD0", lipgloss.BrightMagenta},
		ok: shade{"#6FCF6F", lipgloss.BrightGreen}, bad: shade{"#F07070", lipgloss.BrightRed},
		warn: shade{"#E0C050", lipgloss.BrightYellow}, border: shade{"#767676", lipgloss.White},
		focus: shade{"#A78BFA", lipgloss.BrightMagenta},
	}
	defaultLight = palette{
		fg: shade{"#1F1F1F", lipgloss.Black}, dim: shade{"#707070", lipgloss.Black},
		accent: shade{"#5A3FC0", lipgloss.Blue}, down: shade{"#0B6BA8", lipgloss.Blue},
		up: shade{"#A8460B", lipgloss.Red}, handoff: shade{"#9A2E8A", lipgloss.Black},
		ok: shade{"#207A20", lipgloss.Black}, bad: shade{"#B02020", lipgloss.Red},
		warn: shade{"#8A6A00", lipgloss.Blue}, border: shade{"#8A8A8A", lipgloss.BrightBlack},
		focus: shade{"#5A3FC0", lipgloss.Blue},
	}
	contrastDark = palette{
		fg: shade{"#FFFFFF", lipgloss.BrightWhite}, dim: shade{"#D0D0D0", lipgloss.White},
		accent: shade{"#FFFF00", lipgloss.BrightYellow}, down: shade{"#00FFFF", lipgloss.BrightCyan},
		up: shade{"#FF80FF", lipgloss.BrightMagenta}, handoff: shade{"#FFD700", lipgloss.BrightYellow},
		ok: shade{"#00FF00", lipgloss.BrightGreen}, bad: shade{"#FF5050", lipgloss.BrightRed},
		warn: shade{"#FFD700", lipgloss.BrightYellow}, border: shade{"#FFFFFF", lipgloss.BrightWhite},
		focus: shade{"#FFFF00", lipgloss.BrightYellow},
	}
	contrastLight = palette{
		fg: shade{"#000000", lipgloss.Black}, dim: shade{"#303030", lipgloss.Black},
		accent: shade{"#0000C0", lipgloss.Blue}, down: shade{"#0000C0", lipgloss.Blue},
		up: shade{"#800080", lipgloss.Red}, handoff: shade{"#805000", lipgloss.Black},
		ok: shade{"#006000", lipgloss.Black}, bad: shade{"#C00000", lipgloss.Red},
		warn: shade{"#805000", lipgloss.Blue}, border: shade{"#000000", lipgloss.Black},
		focus: shade{"#0000C0", lipgloss.Blue},
	}
)

// paletteFor returns theme's palette for a dark or a light background.
func paletteFor(theme Theme, isDark bool) palette {
	ld := func(light, dark palette) palette {
		if isDark {
			return dark
		}
		return light
	}
	if theme == ThemeHighContrast {
		return ld(contrastLight, contrastDark)
	}
	return ld(defaultLight, defaultDark)
}

// NewStyles returns the styles of theme for a dark or light terminal that
// shows the colours of profile. Ascii (NO_COLOR) and below leave only
// attributes: bold, reverse, underline.
func NewStyles(theme Theme, isDark bool, profile colorprofile.Profile) *Styles {
	p := paletteFor(theme, isDark)
	noColor := profile <= colorprofile.Ascii
	s := lipgloss.NewStyle
	fg := func(c shade) lipgloss.Style {
		if noColor {
			return s()
		}
		return s().Foreground(c.colour(profile))
	}
	border, focusBorder := lipgloss.RoundedBorder(), lipgloss.ThickBorder()
	if theme == ThemeHighContrast {
		border = lipgloss.NormalBorder()
	}
	bc := func(c shade) lipgloss.Style {
		st := s().Border(border)
		if !noColor {
			st = st.BorderForeground(c.colour(profile))
		}
		return st
	}
	st := &Styles{}
	st.Header = fg(p.accent).Bold(true)
	st.HeaderDim = fg(p.dim)
	st.Panel = bc(p.border)
	st.PanelFocused = bc(p.focus).Border(focusBorder)
	st.PanelTitle = fg(p.accent).Bold(true)
	st.TabActive = fg(p.accent).Bold(true).Reverse(true).Padding(0, 1)
	st.TabInactive = fg(p.dim).Padding(0, 1)
	st.Text = fg(p.fg)
	st.Muted = fg(p.dim)
	st.Bold = fg(p.fg).Bold(true)
	st.Selected = s().Reverse(true)
	st.Key = fg(p.accent).Bold(true)
	st.KeyDesc = fg(p.dim)
	st.StepCurrent = fg(p.accent).Bold(true)
	st.StepDone = fg(p.ok)
	st.StepTodo = fg(p.fg)
	st.OK = fg(p.ok).Bold(true)
	st.Failed = fg(p.bad).Bold(true)
	st.Warn = fg(p.warn)
	st.Error = fg(p.bad).Bold(true)
	st.ErrBox = bc(p.bad).Padding(0, 1)
	st.Command = fg(p.accent).Bold(true)
	st.Info = fg(p.dim).Italic(true)
	st.Down = fg(p.down)
	st.Up = fg(p.up)
	st.Handoff = fg(p.handoff)
	st.HopActive = s().Bold(true).Reverse(true)
	st.Escape = fg(p.dim)
	st.Added = fg(p.ok).Bold(true)
	st.Removed = fg(p.bad).Strikethrough(!noColor)
	st.Changed = fg(p.warn).Bold(true)
	st.Match = s().Reverse(true).Underline(true)
	// Lesson text keeps its bold, italics and headings under NO_COLOR
	// too, as NO_COLOR allows.
	st.Markdown = markdownStyles(p, fg)
	st.ID = fmt.Sprintf("%s/dark=%t/%s", theme, isDark, profile)
	if theme == ThemeHighContrast {
		st.Text = st.Text.Bold(true)
	}
	return st
}
