package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui/common"
	"github.com/ngw2f/ngw2f-lab/tui/markdown"
)

// stepState is what became of a step.
type stepState int

const (
	stepTodo stepState = iota
	stepRunning
	stepDone
	stepFailed
)

// lessonText is the lesson panel: the step list, the current step marked
// and finished steps ticked, and the selected step's narrative rendered
// from markdown, in a pane. Drawing a lesson's markdown takes a
// millisecond or more, so it runs in a Cmd (Render), never in View; until
// its answer comes the panel shows the markdown as it is.
type lessonText struct {
	com       common.Common
	lesson    *lessons.Lesson
	selected  int
	states    []stepState
	text      pane
	rendered  map[string][]string // the narrative as rendered, by styleKey and step
	rendering string              // the styleKey of the rendering under way
}

// markdownMsg is the lesson's narrative rendered for a width and style.
type markdownMsg struct {
	key   string
	steps [][]string // each step's lines
}

func newLessonText(com common.Common, l *lessons.Lesson) lessonText {
	return lessonText{com: com, lesson: l, states: make([]stepState, len(l.Steps)),
		text: newPane(com.Keys, false), rendered: map[string][]string{}}
}

// SetSize sets the panel's inner size.
func (m *lessonText) SetSize(w, h int) {
	m.com.SetSize(w, h)
	m.text.SetSize(w, m.textHeight())
	m.show()
}

// Select makes step i the selected one and scrolls its text to the top.
func (m *lessonText) Select(i int) {
	if i >= 0 && i < len(m.lesson.Steps) && i != m.selected {
		m.selected = i
		m.text.SetSize(m.com.Width, m.textHeight())
		m.show()
		m.text.Top()
	}
}

// SetState records what became of step i.
func (m *lessonText) SetState(i int, s stepState) {
	if i >= 0 && i < len(m.states) {
		m.states[i] = s
	}
}

// styleKey names the width and styles the narrative is rendered for.
func (m lessonText) styleKey() string {
	return fmt.Sprintf("%d/%s", m.com.Width, m.com.Styles.ID)
}

// show puts the selected step's narrative in the pane: as rendered, or
// as written while it is being rendered.
func (m *lessonText) show() {
	k := fmt.Sprintf("%s/%d", m.styleKey(), m.selected)
	if lines, ok := m.rendered[k]; ok {
		m.text.SetLines(lines)
		return
	}
	m.text.SetLines(strings.Split(stepMarkdown(m.lesson, m.selected), "\n"))
}

// Render returns the Cmd that renders every step's narrative for the
// panel's width and the styles in use, unless that is done or under way.
func (m *lessonText) Render() tea.Cmd {
	if m.lesson == nil {
		return nil // no lesson open
	}
	k := m.styleKey()
	if _, ok := m.rendered[k+"/0"]; ok || m.com.Width == 0 || m.rendering == k {
		return nil
	}
	m.rendering = k
	l, style, w := m.lesson, m.com.Styles.Markdown, m.com.Width
	return func() tea.Msg {
		msg := markdownMsg{key: k}
		for i := range l.Steps {
			out := renderMarkdown(stepMarkdown(l, i), style, w)
			msg.steps = append(msg.steps, strings.Split(strings.Trim(out, "\n"), "\n"))
		}
		return msg
	}
}

// took takes a rendering done, unless the width or the styles changed
// since it was asked for.
func (m *lessonText) took(msg markdownMsg) {
	if msg.key != m.styleKey() {
		return
	}
	m.rendered = map[string][]string{}
	for i, lines := range msg.steps {
		m.rendered[fmt.Sprintf("%s/%d", msg.key, i)] = lines
	}
	m.show()
}

// Update scrolls the narrative.
func (m lessonText) Update(msg tea.Msg) (lessonText, tea.Cmd) {
	var cmd tea.Cmd
	m.text, cmd = m.text.Update(msg)
	return m, cmd
}

// stepLines draws the step list, each title wrapped to the panel.
func (m lessonText) stepLines() ([]string, int) {
	st := m.com.Styles
	var lines []string
	at := 0
	for i, s := range m.lesson.Steps {
		mark, style := "  ", st.StepTodo
		switch m.states[i] {
		case stepRunning:
			mark, style = "… ", st.Warn
		case stepDone:
			mark, style = "✓ ", st.StepDone
		case stepFailed:
			mark, style = "✗ ", st.Failed
		}
		pointer := "  "
		if i == m.selected {
			pointer = "▶ "
			at = len(lines)
			if m.states[i] == stepTodo {
				style = st.StepCurrent
			}
		}
		lines = append(lines, wrap(style.Render(fmt.Sprintf("%s%s%d. %s", pointer, mark, i+1, s.Title)), m.com.Width)...)
	}
	return lines, at
}

// stepsHeight is how many lines the step list takes: all of it when it
// fits in a third of the panel, else a window around the selected step.
func (m lessonText) stepsHeight() int {
	lines, _ := m.stepLines()
	return min(len(lines), max(m.com.Height/3, 3))
}

func (m lessonText) textHeight() int { return max(m.com.Height-m.stepsHeight()-1, 1) }

// View draws the step list and the narrative.
func (m lessonText) View() string {
	st := m.com.Styles
	steps, at := m.stepLines()
	h := m.stepsHeight()
	win, _ := window(steps, at-h/2, h)
	rule := strings.Repeat("─", m.com.Width)
	if n := m.text.Below(); n > 0 {
		more := fmt.Sprintf("── %d more lines below (↓) ", n)
		rule = more + strings.Repeat("─", max(m.com.Width-len([]rune(more)), 0))
	}
	lines := append(win, st.Muted.Render(rule))
	return strings.Join(append(lines, m.text.View()), "\n")
}

// renderMarkdown draws md in style for a panel width columns wide,
// keeping 4 of them free as glamour's word wrap did.
func renderMarkdown(md string, style markdown.Styles, width int) string {
	return markdown.Render(md, max(width-4, 20), style)
}

// ShortHelp is the panel's keys in the footer.
func (m lessonText) ShortHelp() []key.Binding {
	k := m.com.Keys
	return []key.Binding{k.Next, k.Prev, k.Run, k.Up, k.Down}
}
