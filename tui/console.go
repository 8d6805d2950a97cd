package tui

import (
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/visible"
)

// The console's lines: what the telnet prompt shows above its input,
// each of a kind that says how it is drawn. They are kept as they came and
// drawn into a pane, which wraps each to the panel's width.

// maxConsole bounds the lines the console keeps; it drops a tenth more
// at a time, so that it redraws its pane seldom.
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
	lineNotice // the lab's word on the whole lesson
)

type consoleLine struct {
	kind lineKind
	text string
}

// add appends a console line, or several separated by line ends.
func (m *telnetPrompt) add(kind lineKind, text string) {
	var fresh []string
	for _, l := range strings.Split(text, "\n") {
		c := consoleLine{kind, l}
		m.lines = append(m.lines, c)
		fresh = append(fresh, m.style(c))
	}
	if n := len(m.lines); n > maxConsole+maxConsole/10 {
		m.lines = append(m.lines[:0], m.lines[n-maxConsole:]...)
		m.redraw()
		return
	}
	if m.partial != "" {
		m.redraw() // the partial line stays last
		return
	}
	m.out.Append(fresh...)
}

// redraw draws every line into the pane again: after the styles or the
// partial line changed, or lines were dropped.
func (m *telnetPrompt) redraw() {
	drawn := make([]string, 0, len(m.lines)+1)
	for _, l := range m.lines {
		drawn = append(drawn, m.style(l))
	}
	if m.partial != "" {
		drawn = append(drawn, m.style(consoleLine{lineScreen, m.partial}))
	}
	m.out.SetLines(drawn)
}

// screen appends what telnet showed, made safe: control bytes spelled
// out, and CR and LF too when telnet's toggle visible is on.
func (m *telnetPrompt) screen(text string) {
	if m.commands.Visible {
		text = strings.ReplaceAll(visible.Bytes([]byte(text)), `\n`, `\n`+"\n")
	} else {
		text = visible.Screen(text)
	}
	text = m.partial + text
	parts := strings.Split(text, "\n")
	m.partial = ""
	for _, p := range parts[:len(parts)-1] {
		m.lines = append(m.lines, consoleLine{lineScreen, p})
	}
	m.partial = parts[len(parts)-1]
	m.redraw()
}

// flushScreen ends a screen line that had no line end.
func (m *telnetPrompt) flushScreen() {
	if m.partial != "" {
		p := m.partial
		m.partial = ""
		m.lines = append(m.lines, consoleLine{lineScreen, p})
		m.redraw()
	}
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
