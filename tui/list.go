package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/progress"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// openMsg asks the root to open a lesson.
type openMsg struct{ lesson *lessons.Lesson }

// listScreen is the lesson list: number, title, the talk's section and its
// minute, and how far the learner got, with a filter.
type listScreen struct {
	com       common.Common
	all       []*lessons.Lesson
	progress  *progress.Store
	selected  int // index into shown()
	filtering bool
	filter    textinput.Model
	notice    string
}

func newListScreen(com common.Common, all []*lessons.Lesson, p *progress.Store) listScreen {
	in := textinput.New()
	in.Prompt = "filter: "
	in.Placeholder = "words of a title, a section, a summary"
	return listScreen{com: com, all: all, progress: p, filter: in}
}

// SetSize sets the screen's size.
func (m *listScreen) SetSize(w, h int) {
	m.com.SetSize(w, h)
	m.filter.SetWidth(max(w-12, 10))
}

// Typing reports whether keys go to the filter.
func (m listScreen) Typing() bool { return m.filtering }

// shown returns the lessons that pass the filter.
func (m listScreen) shown() []*lessons.Lesson {
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	if q == "" {
		return m.all
	}
	var out []*lessons.Lesson
	for _, l := range m.all {
		hay := strings.ToLower(fmt.Sprintf("%d %s %s %s", l.Number, l.Title, l.Talk, l.Summary))
		if strings.Contains(hay, q) {
			out = append(out, l)
		}
	}
	return out
}

// Update moves, filters and opens.
func (m listScreen) Update(msg tea.Msg) (listScreen, tea.Cmd) {
	k := m.com.Keys
	if m.filtering {
		if msg, ok := msg.(tea.KeyPressMsg); ok {
			switch {
			case msg.String() == "esc":
				m.filtering = false
				m.filter.SetValue("")
				m.filter.Blur()
				return m, nil
			case msg.String() == "enter", msg.String() == "down", msg.String() == "up":
				m.filtering = false
				m.filter.Blur()
				return m, nil
			}
		}
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		m.selected = min(m.selected, max(len(m.shown())-1, 0))
		return m, cmd
	}
	shown := m.shown()
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		m.notice = ""
		m.selected = moveSelection(msg, k, m.selected, len(shown))
		switch {
		case key.Matches(msg, k.Filter):
			m.filtering = true
			cmd := m.filter.Focus()
			return m, cmd
		case key.Matches(msg, k.Back):
			m.filter.SetValue("")
		case key.Matches(msg, k.Open):
			if m.selected < len(shown) {
				l := shown[m.selected]
				if l.Planned {
					m.notice = fmt.Sprintf("Lesson %d is not written yet: it comes with its layer.", l.Number)
					return m, nil
				}
				return m, func() tea.Msg { return openMsg{l} }
			}
		}
	case tea.MouseWheelMsg:
		m.selected = moveSelection(msg, k, m.selected, len(shown))
	case tea.MouseClickMsg:
		if i := msg.Mouse().Y - 3; i >= 0 && i < len(shown) {
			m.selected = i
		}
	}
	return m, nil
}

// state says how far the learner got in l.
func (m listScreen) state(l *lessons.Lesson) (string, bool) {
	if l.Planned {
		return "not written yet", false
	}
	if m.progress == nil {
		return "", false
	}
	p := m.progress.Get(l.ID())
	solved := ""
	if n := len(l.Challenges); n > 0 && len(p.Solved) > 0 {
		solved = fmt.Sprintf(", ★ %d/%d", len(p.Solved), n)
	}
	switch {
	case p.Done:
		return "✓ done" + solved, true
	case len(p.Steps) > 0:
		return fmt.Sprintf("%d of %d steps", len(p.Steps), len(l.Steps)) + solved, false
	}
	return "not started", false
}

// View draws the list.
func (m listScreen) View() string {
	st := m.com.Styles
	w := m.com.Width
	lines := []string{
		st.Header.Render("ngw2f-lab") + st.HeaderDim.Render(" · the request-response cycle, one layer at a time"),
		"",
		st.Muted.Render(fmt.Sprintf("   %2s  %-34s %-22s %s", "#", "lesson", "in the talk", "progress")),
	}
	shown := m.shown()
	for i, l := range shown {
		talk := l.Talk
		if l.Minute != "" {
			talk += " · " + l.Minute
		}
		state, done := m.state(l)
		row := fmt.Sprintf("%2d  %-34s %-22s ", l.Number, cut(l.Title, 34), cut(talk, 22))
		stateStyle := st.Muted
		if done {
			stateStyle = st.OK
		}
		switch {
		case i == m.selected:
			lines = append(lines, st.Selected.Render("▶ "+row+state))
		case l.Planned:
			lines = append(lines, "  "+st.Muted.Render(row+state))
		default:
			lines = append(lines, "  "+st.Text.Render(row)+stateStyle.Render(state))
		}
	}
	if len(shown) == 0 {
		lines = append(lines, st.Muted.Render("   no lesson matches the filter (esc clears it)"))
	}
	lines = append(lines, "")
	if m.selected < len(shown) && shown[m.selected].Summary != "" {
		lines = append(lines, st.Text.Render(pad(shown[m.selected].Summary, w)))
	}
	if m.notice != "" {
		lines = append(lines, st.Warn.Width(w).Render(m.notice))
	}
	body := fit(strings.Join(lines, "\n"), w, m.com.Height-2)
	foot := ""
	if m.filtering || m.filter.Value() != "" {
		foot = m.filter.View()
	}
	h := help.New()
	h.Styles = helpStyles(st)
	h.SetWidth(w)
	return strings.Join(append(body, pad(foot, w), pad(h.ShortHelpView(m.ShortHelp()), w)), "\n")
}

// ShortHelp is the list's keys.
func (m listScreen) ShortHelp() []key.Binding {
	k := m.com.Keys
	return []key.Binding{k.Help, k.Quit, k.Open, k.Filter, k.Up, k.Down}
}

// FullHelp is the list's keys.
func (m listScreen) FullHelp() [][]key.Binding {
	k := m.com.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Open}, {k.Filter, k.Back, k.Help, k.Quit}}
}
