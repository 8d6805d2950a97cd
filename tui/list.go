package tui

import (
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/progress"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// openMsg asks the root to open a lesson.
type openMsg struct{ lesson *lessons.Lesson }

// lessonItem is a lesson in the list.
type lessonItem struct{ *lessons.Lesson }

func (l lessonItem) FilterValue() string {
	return fmt.Sprintf("%d %s %s %s", l.Number, l.Title, l.Talk, l.Summary)
}

// lessonDelegate draws a lesson in two lines: its number and title, then
// the talk's section it follows, its minute and how far the learner got,
// so that nothing of either is cut at 80 columns.
type lessonDelegate struct {
	st    *common.Styles
	state func(*lessons.Lesson) (string, bool)
}

func (d lessonDelegate) Height() int                         { return 2 }
func (d lessonDelegate) Spacing() int                        { return 0 }
func (d lessonDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }
func (d lessonDelegate) Render(w io.Writer, m list.Model, i int, item list.Item) {
	l := item.(lessonItem)
	talk := l.Talk
	if l.Minute != "" {
		talk += " at " + l.Minute
	}
	state, done := d.state(l.Lesson)
	title := fmt.Sprintf("%2d  %s", l.Number, l.Title)
	more := "     " + strings.Join(nonEmpty(talk, state), " · ")
	switch {
	case i == m.Index():
		io.WriteString(w, d.st.Selected.Render("▶ "+title)+"\n"+d.st.Selected.Render("  "+more))
	case l.Planned:
		io.WriteString(w, d.st.Muted.Render("  "+title)+"\n"+d.st.Muted.Render("  "+more))
	case done:
		io.WriteString(w, "  "+d.st.Text.Render(title)+"\n  "+d.st.OK.Render(more))
	default:
		io.WriteString(w, "  "+d.st.Text.Render(title)+"\n  "+d.st.Muted.Render(more))
	}
}

// nonEmpty returns the strings that are not empty.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// listScreen is the lesson list: number, title, the talk's section and its
// minute, and how far the learner got, with a filter (/).
type listScreen struct {
	com      common.Common
	progress *progress.Store
	list     list.Model
	notice   string
}

func newListScreen(com common.Common, all []*lessons.Lesson, p *progress.Store) listScreen {
	m := listScreen{com: com, progress: p}
	items := make([]list.Item, len(all))
	for i, l := range all {
		items[i] = lessonItem{l}
	}
	m.list = newList(com.Keys, lessonDelegate{st: com.Styles, state: m.state})
	m.list.SetFilteringEnabled(true)
	m.list.SetShowFilter(true)
	m.list.FilterInput.Prompt = "filter: "
	m.list.SetItems(items)
	return m
}

// SetSize sets the screen's size.
func (m *listScreen) SetSize(w, h int) {
	m.com.SetSize(w, h)
	m.list.SetSize(w, max(h-5, 2)) // the header, the summary's two lines, a notice, the keys
}

// Typing reports whether keys go to the filter.
func (m listScreen) Typing() bool { return m.list.SettingFilter() }

// Update moves, filters and opens.
func (m listScreen) Update(msg tea.Msg) (listScreen, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok && !m.list.SettingFilter() {
		m.notice = ""
		if key.Matches(msg, m.com.Keys.Open) {
			l, ok := m.list.SelectedItem().(lessonItem)
			switch {
			case !ok:
			case l.Planned:
				m.notice = fmt.Sprintf("Lesson %d is not written yet: it comes with its layer.", l.Number)
			default:
				return m, func() tea.Msg { return openMsg{l.Lesson} }
			}
			return m, nil
		}
	}
	if msg, ok := msg.(tea.MouseClickMsg); ok {
		// Under the header and the filter's line, two lines a lesson.
		if row := msg.Mouse().Y - 2; row >= 0 {
			if i := m.list.Paginator.Page*m.list.Paginator.PerPage + row/2; i < len(m.list.VisibleItems()) {
				m.list.Select(i)
			}
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return m, cmd
}

// state says how far the learner got in l, and whether they finished it.
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
	lines := []string{st.Header.Render("ngw2f-lab") + st.HeaderDim.Render(" · the request-response cycle, one layer at a time")}
	lines = append(lines, strings.Split(m.list.View(), "\n")...) // its first line is the filter's
	if len(m.list.VisibleItems()) == 0 {
		lines = append(lines, st.Muted.Render("   no lesson matches the filter (esc clears it)"))
	}
	if l, ok := m.list.SelectedItem().(lessonItem); ok && l.Summary != "" {
		lines = append(lines, st.Text.Render(l.Summary))
	}
	if m.notice != "" {
		lines = append(lines, st.Warn.Render(m.notice))
	}
	body := fit(strings.Join(lines, "\n"), w, m.com.Height-1)
	return strings.Join(append(body, pad(footerHelp(m.com, m.ShortHelp()), w)), "\n")
}

// ShortHelp is the list's keys.
func (m listScreen) ShortHelp() []key.Binding {
	k := m.com.Keys
	if m.list.SettingFilter() {
		return []key.Binding{k.Open, k.Back}
	}
	return []key.Binding{k.Help, k.Open, k.Up, k.Down, k.Filter, k.Quit}
}

// FullHelp is the list's keys.
func (m listScreen) FullHelp() [][]key.Binding {
	k := m.com.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Open}, {k.Filter, k.Back, k.Help, k.Quit}}
}
