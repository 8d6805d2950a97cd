package common

import (
	"charm.land/lipgloss/v2"

	"github.com/ngw2f/ngw2f-lab/tui/markdown"
)

// markdownStyles returns the styles lesson text is drawn in, from the
// palette's colours as fg gives them (none under NO_COLOR, which keeps
// bold, italics and underlines). They are glamour's dark and light
// styles' as the lab drew them before it drew markdown itself: headings
// and links in the accent and request colours, inline code in the colour
// of errors, code blocks in the text's own (no highlighting), rules dim.
func markdownStyles(p palette, fg func(shade) lipgloss.Style) markdown.Styles {
	return markdown.Styles{
		Text:      fg(p.fg),
		Heading:   fg(p.accent).Bold(true),
		Strong:    lipgloss.NewStyle().Bold(true),
		Emph:      lipgloss.NewStyle().Italic(true),
		Code:      fg(p.bad),
		CodeBlock: fg(p.fg),
		Link:      fg(p.down).Underline(true),
		LinkText:  fg(p.down).Bold(true),
		Quote:     fg(p.dim),
		Rule:      fg(p.dim),
	}
}
