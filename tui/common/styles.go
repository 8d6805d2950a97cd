package common

import (
	"fmt"
	"image/color"

	"charm.land/lipgloss/v2"
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

	GlamourStyle string // glamour's standard style for lesson text
}

// palette is the handful of colours a theme is made of.
type palette struct {
	fg, dim, accent, down, up, handoff, ok, bad, warn, border, focus color.Color
}

func paletteFor(theme Theme, isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	c := lipgloss.Color
	if theme == ThemeHighContrast {
		return palette{
			fg: ld(c("#000000"), c("#FFFFFF")), dim: ld(c("#303030"), c("#D0D0D0")),
			accent: ld(c("#0000C0"), c("#FFFF00")), down: ld(c("#0000C0"), c("#00FFFF")),
			up: ld(c("#800080"), c("#FF80FF")), handoff: ld(c("#805000"), c("#FFD700")),
			ok: ld(c("#006000"), c("#00FF00")), bad: ld(c("#C00000"), c("#FF5050")),
			warn: ld(c("#805000"), c("#FFD700")), border: ld(c("#000000"), c("#FFFFFF")),
			focus: ld(c("#0000C0"), c("#FFFF00")),
		}
	}
	return palette{
		fg: ld(c("#1F1F1F"), c("#DDDDDD")), dim: ld(c("#707070"), c("#8A8A8A")),
		accent: ld(c("#5A3FC0"), c("#A78BFA")), down: ld(c("#0B6BA8"), c("#5FB3F0")),
		up: ld(c("#A8460B"), c("#F0A05F")), handoff: ld(c("#7A5C00"), c("#D7C05F")),
		ok: ld(c("#207A20"), c("#6FCF6F")), bad: ld(c("#B02020"), c("#F07070")),
		warn: ld(c("#8A6A00"), c("#E0C050")), border: ld(c("#B0B0B0"), c("#4A4A4A")),
		focus: ld(c("#5A3FC0"), c("#A78BFA")),
	}
}

// NewStyles returns the styles of theme for a dark or light terminal.
// noColor (NO_COLOR set) leaves only attributes: bold, reverse, underline.
func NewStyles(theme Theme, isDark, noColor bool) *Styles {
	p := paletteFor(theme, isDark)
	s := lipgloss.NewStyle
	fg := func(c color.Color) lipgloss.Style {
		if noColor {
			return s()
		}
		return s().Foreground(c)
	}
	border, focusBorder := lipgloss.RoundedBorder(), lipgloss.ThickBorder()
	if theme == ThemeHighContrast {
		border = lipgloss.NormalBorder()
	}
	bc := func(c color.Color) lipgloss.Style {
		st := s().Border(border)
		if !noColor {
			st = st.BorderForeground(c)
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
	switch {
	case noColor:
		st.GlamourStyle = "notty"
	case isDark:
		st.GlamourStyle = "dark"
	default:
		st.GlamourStyle = "light"
	}
	if theme == ThemeHighContrast {
		st.Text = st.Text.Bold(true)
	}
	return st
}
