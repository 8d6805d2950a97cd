package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// leaveBox asks before the learner leaves a lesson whose journeys would
// be lost with it (esc, or N before the lesson is done): one esc too many
// must not throw a session away.
type leaveBox struct {
	com      common.Common
	journeys int
	to       string  // where leaving goes: "lesson 2"; empty for the lesson list
	then     tea.Cmd // what leaving does
}

// View draws the question.
func (m leaveBox) View() string {
	st := m.com.Styles
	w := min(m.com.Width-8, 70)
	to := "the lesson list"
	if m.to != "" {
		to = m.to
	}
	what := "journey"
	if m.journeys != 1 {
		what = "journeys"
	}
	text := fmt.Sprintf("Leave this lesson for %s? Its %d %s and its running layers go with it; your progress stays.", to, m.journeys, what)
	keys := "enter leaves · E exports the journeys first · esc stays"
	body := st.Bold.Render("Leave the lesson?") + "\n\n" + lipgloss.NewStyle().Width(w-4).Render(text) + "\n\n" + st.Muted.Render(keys)
	return st.ErrBox.Width(w).Render(body)
}
