package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// challengeBox is the lesson's challenges over the lesson screen (c): each
// with its goal, solved or not, how much of it the learner's last request
// met, and its hints, revealed one at a time on demand.
type challengeBox struct {
	com      common.Common
	study    *study
	selected int
	shown    map[int][]string // hints revealed, by challenge
}

func newChallengeBox(com common.Common, s *study) challengeBox {
	return challengeBox{com: com, study: s, shown: map[int][]string{}}
}

// Update moves the selection and reveals hints; it returns false when the
// box should close.
func (m challengeBox) Update(msg tea.KeyPressMsg) (challengeBox, bool) {
	k := m.com.Keys
	n := len(m.study.challenges)
	switch {
	case key.Matches(msg, k.Back, k.Challenges):
		return m, false
	case key.Matches(msg, k.Up):
		m.selected = max(m.selected-1, 0)
	case key.Matches(msg, k.Down):
		m.selected = min(m.selected+1, max(n-1, 0))
	case key.Matches(msg, k.Hint) && n > 0:
		m.shown[m.selected] = append(m.shown[m.selected], m.study.hint(m.selected))
	}
	return m, true
}

// View draws the box.
func (m challengeBox) View() string {
	st := m.com.Styles
	w := min(m.com.Width-8, 96)
	inner := lipgloss.NewStyle().Width(w - 6)
	var b strings.Builder
	b.WriteString(st.Header.Render("Challenges") + "\n\n")
	if len(m.study.challenges) == 0 {
		b.WriteString("This lesson sets no challenges.\n")
	}
	for i, c := range m.study.challenges {
		mark := "☐"
		if m.study.solved[c.ID] {
			mark = "✓"
		}
		line := fmt.Sprintf("%s %d. %s", mark, i+1, c.Goal)
		if i == m.selected {
			line = st.Selected.Render("▶ " + line)
		} else {
			line = "  " + line
		}
		b.WriteString(inner.Render(line) + "\n")
		if m.study.solved[c.ID] {
			b.WriteString(st.OK.Render("     solved") + "\n")
		} else if last := m.study.last; last != nil {
			b.WriteString(st.Muted.Render(fmt.Sprintf("     your last request met %d of its %d checks", c.Met(*last), c.Checks())) + "\n")
		}
		for _, h := range m.shown[i] {
			b.WriteString(inner.Render(st.Warn.Render("     hint: ")+h) + "\n")
		}
	}
	b.WriteString("\n" + st.Muted.Render("Solve them from the telnet prompt, or with curl or telnet from another terminal: "+
		"each is checked from the journey of your request.\n↑/↓ choose · enter a hint · esc closes"))
	return st.ErrBox.BorderForeground(st.OK.GetForeground()).Width(w).Render(b.String())
}
