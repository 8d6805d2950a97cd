package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// errorScreen shows a failure that leaves nothing to run, such as a lesson
// file that cannot be read, with what to do about it.
type errorScreen struct {
	com     common.Common
	failure *failure
}

// SetSize sets the screen's size.
func (m *errorScreen) SetSize(w, h int) { m.com.SetSize(w, h) }

// View draws the failure in the middle of the screen.
func (m errorScreen) View() string {
	st := m.com.Styles
	w := min(m.com.Width-6, 90)
	body := st.Error.Render(m.failure.title) + "\n\n" +
		lipgloss.NewStyle().Width(w-4).Render(m.failure.text) + "\n\n" +
		lipgloss.NewStyle().Width(w-4).Render(st.Bold.Render("What to do:")+" "+m.failure.hint) + "\n\n" +
		st.Muted.Render("esc: the lesson list · q: quit")
	return lipgloss.Place(m.com.Width, m.com.Height, lipgloss.Center, lipgloss.Center, st.ErrBox.Width(w).Render(body))
}

// ShortHelp is the screen's keys.
func (m errorScreen) ShortHelp() []key.Binding {
	return []key.Binding{m.com.Keys.Back, m.com.Keys.Quit}
}

// FullHelp is the screen's keys.
func (m errorScreen) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
