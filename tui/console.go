package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The console's lines: what the telnet prompt shows above its input,
// each of a kind that says how it is drawn.

// maxConsole bounds the lines the console keeps.
const maxConsole = 2000

// lineKind says how a console line is drawn.
type lineKind int

const (
	lineScreen lineKind = iota // what telnet shows
	lineCommand
	lineInfo
	lineOK
	lineFailed
	lineExplain
	lineStep
	lineError
	lineNotice // the lab's word on the whole lesson, wrapped to the panel
)

type consoleLine struct {
	kind lineKind
	text string
}

// add appends a console line.
func (m *telnetPrompt) add(kind lineKind, text string) {
	for _, l := range strings.Split(text, "\n") {
		m.lines = append(m.lines, consoleLine{kind, l})
	}
	if n := len(m.lines); n > maxConsole {
		m.lines = append(m.lines[:0], m.lines[n-maxConsole:]...)
	}
}

// wrapNotices returns the console's lines with each notice wrapped to the
// panel's width: a notice says something that must be read whole.
func (m telnetPrompt) wrapNotices() []consoleLine {
	var out []consoleLine // nil while no line needed wrapping
	for i, l := range m.lines {
		if l.kind != lineNotice || lipgloss.Width(l.text) <= m.com.Width {
			if out != nil {
				out = append(out, l)
			}
			continue
		}
		if out == nil {
			out = append(make([]consoleLine, 0, len(m.lines)+4), m.lines[:i]...)
		}
		for _, w := range strings.Split(ansi.Wordwrap(l.text, max(m.com.Width, 10), ""), "\n") {
			out = append(out, consoleLine{lineNotice, w})
		}
	}
	if out == nil {
		return m.lines
	}
	return out
}

// style draws a console line as its kind says.
func (m telnetPrompt) style(l consoleLine) string {
	st := m.com.Styles
	switch l.kind {
	case lineCommand:
		return st.Command.Render(l.text)
	case lineInfo:
		return st.Info.Render(l.text)
	case lineOK:
		return st.OK.Render(l.text)
	case lineFailed, lineError:
		return st.Failed.Render(l.text)
	case lineNotice:
		return st.Warn.Render(l.text)
	case lineStep:
		return st.StepCurrent.Render(l.text)
	case lineExplain:
		return st.Muted.Render(l.text)
	}
	return st.Text.Render(l.text)
}
