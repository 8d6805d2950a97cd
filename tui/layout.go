package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ngw2f/ngw2f-lab/stack/kinds"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// rect is where a panel is drawn, border included.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// wide reports whether every panel fits at once.
func (m lessonScreen) wide() bool {
	return m.com.Width >= common.WideWidth && m.com.Height >= common.WideHeight
}

// top returns the lines above the panels: the header, the tabs of the
// small layout, and the status, each wrapped to the screen's width.
func (m lessonScreen) top() []string {
	w := m.com.Width
	if m.talk != "" {
		lines := wrapAll(strings.Split(m.talk, "\n"), w)
		if !m.wide() {
			lines = append(lines, m.tabs())
		}
		return lines
	}
	lines := wrap(m.header(), w)
	if !m.wide() {
		lines = append(lines, m.tabs())
	}
	if m.status != "" {
		st := wrap(m.com.Styles.Warn.Render(m.status), w)
		lines = append(lines, st[:min(len(st), 3)]...)
	}
	return lines
}

// layout places the panels for the screen's size and tells each its inner
// size. On a large terminal the lesson is on the left and the stack, the
// journey, the explain panel and the console on the right; on a small one
// the focused panel takes the whole body, under a row of tabs.
func (m *lessonScreen) layout() {
	w, h := m.com.Width, m.com.Height
	m.rects = map[panelID]rect{}
	if w == 0 || h == 0 || m.lab == nil {
		return
	}
	bodyY := len(m.top())
	bodyH := max(h-bodyY-1, 4)
	if !m.wide() {
		shown := m.focus
		if shown == panelExplain {
			shown = panelJourney
		}
		if shown == panelJourney && m.explaining {
			eh := min(9, bodyH/2)
			m.rects[panelJourney] = rect{0, bodyY, w, bodyH - eh}
			m.rects[panelExplain] = rect{0, bodyY + bodyH - eh, w, eh}
		} else {
			m.rects[shown] = rect{0, bodyY, w, bodyH}
		}
	} else {
		lw := max(36, w*2/5)
		rw := w - lw
		m.rects[panelLesson] = rect{0, bodyY, lw, bodyH}
		m.stack.SetSize(rw-2, 1)
		sh := min(m.stack.Wants()+2, max(bodyH/3, 4))
		th := max(9, bodyH/3)
		if m.prompt.open {
			m.prompt.SetSize(rw-2, 1)
			th = min(max(th, m.prompt.Wants()+2), bodyH/2)
		}
		eh := 0
		if m.explaining {
			eh = 9
		}
		jh := bodyH - sh - th - eh
		m.rects[panelStack] = rect{lw, bodyY, rw, sh}
		m.rects[panelJourney] = rect{lw, bodyY + sh, rw, jh}
		if m.explaining {
			m.rects[panelExplain] = rect{lw, bodyY + sh + jh, rw, eh}
		}
		m.rects[panelTelnet] = rect{lw, bodyY + bodyH - th, rw, th}
	}
	for id, r := range m.rects {
		iw, ih := max(r.w-2, 0), max(r.h-2, 0)
		switch id {
		case panelLesson:
			m.text.SetSize(iw, ih)
		case panelStack:
			m.stack.SetSize(iw, ih)
		case panelJourney:
			m.journey.SetSize(iw, ih)
		case panelExplain:
			m.explain.SetSize(iw, ih)
		case panelTelnet:
			m.prompt.SetSize(iw, ih)
		}
	}
}

// View draws the screen.
func (m lessonScreen) View() string {
	st := m.com.Styles
	w, h := m.com.Width, m.com.Height
	rows := make([]string, h)
	for i := range rows {
		rows[i] = strings.Repeat(" ", w)
	}
	for i, l := range m.top() {
		if i < h {
			rows[i] = pad(l, w)
		}
	}
	for _, id := range []panelID{panelLesson, panelStack, panelJourney, panelExplain, panelTelnet} {
		r, ok := m.rects[id]
		if !ok {
			continue
		}
		box := strings.Split(frame(st, m.title(id), m.panelView(id), r.w, r.h, id == m.focus), "\n")
		for k, line := range box {
			if y := r.y + k; y < h {
				rows[y] = place(rows[y], line, r.x, w)
			}
		}
	}
	rows[h-1] = pad(m.footer(), w)
	out := strings.Join(rows, "\n")
	switch {
	case m.failure != nil:
		out = overlay(out, m.failureBox(), w, h)
	case m.challenges != nil:
		out = overlay(out, m.challenges.View(), w, h)
	case m.words != nil:
		out = overlay(out, m.words.View(), w, h)
	case m.leaving != nil:
		out = overlay(out, m.leaving.View(), w, h)
	}
	return out
}

// place puts line into row at column x. Rows of this screen are built
// left to right, so the left part of row is kept and the rest replaced.
func place(row, line string, x, w int) string {
	if x == 0 {
		return pad(line+cutLeft(row, lipgloss.Width(line), w), w)
	}
	left := pad(row, x)
	if lipgloss.Width(row) > x {
		left = cutTo(row, x)
	}
	return pad(left+line, w)
}

func (m lessonScreen) panelView(id panelID) string {
	switch id {
	case panelLesson:
		return m.text.View()
	case panelStack:
		return m.stack.View()
	case panelJourney:
		return m.journey.View()
	case panelExplain:
		return m.explain.View()
	case panelTelnet:
		return m.prompt.View()
	}
	return ""
}

// title is a panel's title; frame drops its last parts where it does not
// fit.
func (m lessonScreen) title(id panelID) string {
	switch id {
	case panelLesson:
		return fmt.Sprintf("Lesson %d · %s", m.lab.lesson.Number, m.lab.lesson.Title)
	case panelTelnet:
		if m.prompt.open {
			return "Telnet · your turn: type a request"
		}
	case panelStack:
		if r, ok := m.stack.Selected(); ok {
			if r.real != "" {
				return "Stack · " + r.name + ": " + r.real
			}
			if k, ok := kinds.Lookup(r.name); ok {
				return "Stack · " + r.name + ": " + k.Mirrors
			}
		}
	case panelJourney:
		if m.journey.mode == modeDiff {
			return "Journey · diff"
		}
		if m.journey.mode == modeHex {
			return "Journey · hex"
		}
	}
	return panelNames[id]
}

// header says which lesson and step, and whether it plays its recorded
// run.
func (m lessonScreen) header() string {
	st := m.com.Styles
	l := m.lab.lesson
	left := st.Header.Render("ngw2f-lab")
	if m.replay != "" {
		left += st.Failed.Render(" · REPLAY")
	}
	return left + st.HeaderDim.Render(fmt.Sprintf(" · Lesson %d · step %d of %d: %s",
		l.Number, m.selected+1, len(l.Steps), l.Steps[m.selected].Title))
}

// tabs shows the panels of the small layout, the shown one marked.
func (m lessonScreen) tabs() string {
	st := m.com.Styles
	var out []string
	for _, id := range []panelID{panelLesson, panelJourney, panelTelnet, panelStack} {
		name := panelNames[id]
		if id == m.focus || (id == panelJourney && m.focus == panelExplain) {
			out = append(out, st.TabActive.Render(name))
		} else {
			out = append(out, st.TabInactive.Render(name))
		}
	}
	return strings.Join(out, " ") + st.Muted.Render("  (tab switches)")
}

// footer is the short help of what has the focus.
func (m lessonScreen) footer() string {
	return footerHelp(m.com, m.ShortHelp())
}

// footerHelp draws as many of keys as fit in the screen's width, in
// order, each whole: the first ones given matter most.
func footerHelp(com common.Common, keys []key.Binding) string {
	h := help.New()
	h.Styles = helpStyles(com.Styles)
	var shown []key.Binding
	for _, k := range keys {
		if !k.Enabled() {
			continue
		}
		if lipgloss.Width(h.ShortHelpView(append(shown, k))) > com.Width {
			break
		}
		shown = append(shown, k)
	}
	return h.ShortHelpView(shown)
}

// failureBox draws the error box.
func (m lessonScreen) failureBox() string {
	st := m.com.Styles
	f := m.failure
	w := min(m.com.Width-8, 90)
	text := lipgloss.NewStyle().Width(w - 4).Render(f.text)
	hint := lipgloss.NewStyle().Width(w - 4).Render(st.Bold.Render("What to do:") + " " + f.hint)
	body := st.Error.Render(f.title) + "\n\n" + text + "\n\n" + hint +
		"\n\n" + st.Muted.Render("Any key closes this; enter runs the step again.")
	return st.ErrBox.Width(w).Render(body)
}

// overlay draws box over the middle of screen.
func overlay(screen, box string, w, h int) string {
	rows := strings.Split(screen, "\n")
	lines := strings.Split(box, "\n")
	bw := lipgloss.Width(box)
	x, y := max((w-bw)/2, 0), max((h-len(lines))/2, 0)
	for i, l := range lines {
		if y+i >= len(rows) {
			break
		}
		row := rows[y+i]
		rows[y+i] = pad(cutTo(row, x)+l+cutLeft(row, x+lipgloss.Width(l), w), w)
	}
	return strings.Join(rows, "\n")
}

// mouse selects the panel under the pointer and hands it the event in
// the panel's own coordinates.
func (m lessonScreen) mouse(msg tea.MouseMsg) (lessonScreen, tea.Cmd) {
	mo := msg.Mouse()
	for id, r := range m.rects {
		if !r.contains(mo.X, mo.Y) {
			continue
		}
		local := tea.Mouse{X: mo.X - r.x - 1, Y: mo.Y - r.y - 1, Button: mo.Button, Mod: mo.Mod}
		var cmd tea.Cmd
		switch msg.(type) {
		case tea.MouseClickMsg:
			if m.focus != id {
				cmd = m.setFocus(id)
			}
			if id == panelJourney {
				m.journey, _ = m.journey.Update(tea.MouseClickMsg(local))
				m.syncExplain()
			}
		case tea.MouseWheelMsg:
			prev := m.focus
			m.focus = id
			cmd = m.updateFocused(tea.MouseWheelMsg(local))
			m.focus = prev
		}
		return m, cmd
	}
	return m, nil
}
