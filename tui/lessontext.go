package tui

import (
	"fmt"
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	gansi "charm.land/glamour/v2/ansi"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui/common"
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
// from markdown, scrollable.
type lessonText struct {
	com      common.Common
	lesson   *lessons.Lesson
	selected int
	states   []stepState
	offset   int // scroll offset of the narrative
	md       *markdownCache
}

// markdownCache keeps the rendered narrative while step, width and style
// stay the same: glamour takes milliseconds, a frame must not.
type markdownCache struct {
	key   string
	lines []string
}

func newLessonText(com common.Common, l *lessons.Lesson) lessonText {
	return lessonText{com: com, lesson: l, states: make([]stepState, len(l.Steps)), md: &markdownCache{}}
}

// SetSize sets the panel's inner size.
func (m *lessonText) SetSize(w, h int) { m.com.SetSize(w, h) }

// Select makes step i the selected one and scrolls its text to the top.
func (m *lessonText) Select(i int) {
	if i >= 0 && i < len(m.lesson.Steps) && i != m.selected {
		m.selected, m.offset = i, 0
	}
}

// SetState records what became of step i.
func (m *lessonText) SetState(i int, s stepState) {
	if i >= 0 && i < len(m.states) {
		m.states[i] = s
	}
}

// Update scrolls the narrative.
func (m lessonText) Update(msg tea.Msg) (lessonText, tea.Cmd) {
	k := m.com.Keys
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Up):
			m.offset--
		case key.Matches(msg, k.Down):
			m.offset++
		case key.Matches(msg, k.PageUp):
			m.offset -= m.textHeight() - 1
		case key.Matches(msg, k.PageDown):
			m.offset += m.textHeight() - 1
		case key.Matches(msg, k.Top):
			m.offset = 0
		case key.Matches(msg, k.Bottom):
			m.offset = 1 << 30
		}
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			m.offset -= 3
		} else if msg.Button == tea.MouseWheelDown {
			m.offset += 3
		}
	}
	m.offset = max(0, min(m.offset, len(m.text())-m.textHeight()))
	return m, nil
}

// stepsHeight is how many lines the step list takes: all steps when they
// fit in a third of the panel, else a window around the selected one.
func (m lessonText) stepsHeight() int {
	return min(len(m.lesson.Steps), max(m.com.Height/3, 3))
}

func (m lessonText) textHeight() int { return max(m.com.Height-m.stepsHeight()-1, 1) }

// View draws the step list and the narrative.
func (m lessonText) View() string {
	st := m.com.Styles
	var lines []string
	steps := make([]string, len(m.lesson.Steps))
	for i, s := range m.lesson.Steps {
		mark, style := "", st.StepTodo
		switch m.states[i] {
		case stepRunning:
			mark, style = "… ", st.Warn
		case stepDone:
			mark, style = "✓ ", st.StepDone
		case stepFailed:
			mark, style = "✗ ", st.Failed
		default:
			mark = "  "
		}
		pointer := "  "
		if i == m.selected {
			pointer = st.StepCurrent.Render("▶ ")
			if m.states[i] == stepTodo {
				style = st.StepCurrent
			}
		}
		line := pointer + style.Render(fmt.Sprintf("%s%d. %s", mark, i+1, s.Title))
		steps[i] = line
	}
	win, _ := window(steps, m.selected-m.stepsHeight()/2, m.stepsHeight())
	lines = append(lines, win...)
	lines = append(lines, st.Muted.Render(strings.Repeat("─", m.com.Width)))
	text := m.text()
	body, _ := window(text, m.offset, m.textHeight())
	lines = append(lines, body...)
	return strings.Join(lines, "\n")
}

// text returns the selected step's narrative, rendered for the panel's
// width; the first step comes with the lesson's introduction.
func (m lessonText) text() []string {
	k := fmt.Sprintf("%d/%d/%s", m.selected, m.com.Width, m.com.Styles.ID)
	if k == m.md.key {
		return m.md.lines
	}
	m.md.key = k
	src := stepMarkdown(m.lesson, m.selected)
	out, err := renderMarkdown(src, m.com.Styles.Markdown, m.com.Width)
	if err != nil {
		out = src // the markdown as it is reads well enough
	}
	m.md.lines = strings.Split(strings.Trim(out, "\n"), "\n")
	return m.md.lines
}

// stepMarkdown returns the markdown the panel shows for step i.
func stepMarkdown(l *lessons.Lesson, i int) string {
	if len(l.Steps) == 0 {
		return l.Intro
	}
	s := l.Steps[i]
	md := fmt.Sprintf("## Step %d of %d: %s\n\n%s", i+1, len(l.Steps), s.Title, s.Text())
	if i == 0 && l.Intro != "" {
		md = l.Intro + "\n\n" + md
	}
	return md
}

// renderMarkdown renders md with glamour in style, wrapped to width.
func renderMarkdown(md string, style gansi.StyleConfig, width int) (string, error) {
	r, err := glamour.NewTermRenderer(glamour.WithStyles(style), glamour.WithWordWrap(max(width-4, 20)))
	if err != nil {
		return "", err
	}
	return r.Render(joinListLines(md))
}

// listItem is the start of a markdown list item: a bullet or a number.
var listItem = regexp.MustCompile(`^\s*([-*+]|\d{1,9}[.)])\s+\S`)

// joinListLines joins the lines of each list item that the lesson file
// broke for its own width. glamour reflows a paragraph to the panel, but
// keeps the line breaks inside a list item, so that an item broken at 72
// columns wraps raggedly in any other width. Fenced code is left alone.
func joinListLines(md string) string {
	lines := strings.Split(md, "\n")
	out := make([]string, 0, len(lines))
	fenced, inItem := false, false
	for _, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			fenced, inItem = !fenced, false
		case fenced:
		case t == "":
			inItem = false
		case listItem.MatchString(line):
			inItem = true
		case inItem:
			out[len(out)-1] += " " + t
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// ShortHelp is the panel's keys in the footer.
func (m lessonText) ShortHelp() []key.Binding {
	k := m.com.Keys
	return []key.Binding{k.Next, k.Prev, k.Run, k.Up, k.Down}
}
