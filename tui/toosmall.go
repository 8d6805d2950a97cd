package tui

import (
	"fmt"

	"charm.land/lipgloss/v2"

	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// tooSmall is the screen shown when the terminal is smaller than the lab
// can draw in: it says so, and by how much.
type tooSmall struct {
	com common.Common
}

// SetSize sets the screen's size.
func (m *tooSmall) SetSize(w, h int) { m.com.SetSize(w, h) }

// View asks for a bigger terminal.
func (m tooSmall) View() string {
	st := m.com.Styles
	msg := st.Bold.Render("Make the terminal bigger") + "\n\n" +
		fmt.Sprintf("The lab needs at least %dx%d;\nthis one is %dx%d.", common.MinWidth, common.MinHeight, m.com.Width, m.com.Height) +
		"\n\n" + st.Muted.Render("q quits")
	return lipgloss.Place(m.com.Width, m.com.Height, lipgloss.Center, lipgloss.Center, msg)
}
