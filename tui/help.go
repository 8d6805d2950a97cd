package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// keyHelper is a screen that can list its keys.
type keyHelper interface {
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// helpScreen lists every key of the screen it was opened from (?), from
// the one key map.
type helpScreen struct {
	com  common.Common
	keys keyHelper
}

func newHelpScreen(com common.Common, keys keyHelper) helpScreen {
	return helpScreen{com: com, keys: keys}
}

// View draws every key, in columns.
func (m helpScreen) View() string {
	st := m.com.Styles
	h := help.New()
	h.Styles = helpStyles(st)
	h.SetWidth(m.com.Width - 4)
	h.ShowAll = true
	notes := lipgloss.NewStyle().Width(m.com.Width - 2).Render(
		"In the telnet prompt, keys are typed once a line is begun; until then space and n run the next step " +
			"and q quits. esc leaves the prompt, tab moves to the next panel, ctrl+o lists the step's ready-made requests. " +
			"The mouse wheel scrolls the panel under it; a click on an arrow selects that hop; " +
			"shift and the mouse select text to copy.")
	body := st.Header.Render("Keys") + st.Muted.Render(" · any key goes back") + "\n\n" + h.FullHelpView(m.keys.FullHelp()) + "\n\n" + st.Muted.Render(notes)
	return strings.Join(fit(body, m.com.Width, m.com.Height), "\n")
}

// helpStyles are the help bubble's styles from the lab's.
func helpStyles(st *common.Styles) help.Styles {
	return help.Styles{
		Ellipsis: st.Muted, ShortKey: st.Key, ShortDesc: st.KeyDesc, ShortSeparator: st.Muted,
		FullKey: st.Key, FullDesc: st.KeyDesc, FullSeparator: st.Muted,
	}
}
