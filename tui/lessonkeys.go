package tui

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/transcripts/export"
)

// key carries out a key press. What is shown over the screen takes keys
// first, then a text box being typed in, then the screen.
func (m lessonScreen) key(msg tea.KeyPressMsg) (lessonScreen, tea.Cmd) {
	k := m.com.Keys
	var cmd tea.Cmd
	switch {
	case m.failure != nil:
		m.failure = nil
		if !key.Matches(msg, k.Run) {
			return m, nil
		}
	case m.challenges != nil:
		box, open := m.challenges.Update(msg)
		m.challenges = &box
		if !open {
			m.challenges = nil
		}
		return m, nil
	case m.words != nil:
		if key.Matches(msg, k.Back, k.Glossary) && !m.words.Captures() {
			m.words = nil
			return m, nil
		}
		return m, m.words.Update(msg)
	case m.leaving != nil:
		return m.keyLeaving(msg)
	case m.journey.Typing():
		m.journey, cmd = m.journey.Update(msg)
		m.syncExplain()
		return m, cmd
	case key.Matches(msg, k.Tab):
		return m, m.cycleFocus(+1)
	case key.Matches(msg, k.ShiftTab):
		return m, m.cycleFocus(-1)
	case m.focus == panelTelnet && m.prompt.Captures(msg):
		m.prompt, cmd = m.prompt.Update(msg)
		if key.Matches(msg, k.Send) && m.prompt.picker == nil {
			m.journey.Follow() // the learner sent a request: show it
		}
		return m, cmd
	}
	return m.command(msg)
}

// command carries out one of the screen's own keys.
func (m lessonScreen) command(msg tea.KeyPressMsg) (lessonScreen, tea.Cmd) {
	k := m.com.Keys
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Next):
		return m.forward()
	case key.Matches(msg, k.Prev):
		m.selected = max(m.selected-1, 0)
		m.text.Select(m.selected)
	case key.Matches(msg, k.Run):
		return m.runStep(m.selected)
	case key.Matches(msg, k.Offers):
		if !m.prompt.open {
			m.status = "no prompt is open: the step that hands you one opens it"
			return m, nil
		}
		cmd = m.setFocus(panelTelnet)
		m.prompt.openPicker()
	case key.Matches(msg, k.Explain):
		m.explaining = !m.explaining
		m.focus = panelJourney
		if m.explaining {
			m.focus = panelExplain
		}
		m.syncExplain()
	case key.Matches(msg, k.Back):
		return m.back()
	case key.Matches(msg, k.NextLesson):
		return m.nextLesson()
	case key.Matches(msg, k.Challenges):
		box := newChallengeBox(m.com, m.study)
		m.challenges = &box
	case key.Matches(msg, k.Glossary):
		box := newGlossaryBox(m.com)
		m.words = &box
	case key.Matches(msg, k.Export):
		m.status = "exporting…"
		return m, m.export()
	case key.Matches(msg, k.CopyCurl):
		return m.copyCurl()
	case key.Matches(msg, k.RawTelnet):
		return m.rawTelnet()
	case key.Matches(msg, k.Kill):
		return m.killWorker()
	case key.Matches(msg, k.Restart):
		return m.restartLayer()
	case key.Matches(msg, k.StopStart):
		return m.stopStartLayer()
	case key.Matches(msg, k.HopPrev, k.HopNext, k.JourneyPrev, k.JourneyNext, k.Latest, k.Diff, k.Hex, k.Search):
		m.journey, cmd = m.journey.Update(msg)
		m.syncExplain()
	default:
		cmd = m.updateFocused(msg)
	}
	return m, cmd
}

// forward goes on to the next step: it runs it, or, where it ran already
// (the learner went back), shows it again; enter runs a step again.
func (m lessonScreen) forward() (lessonScreen, tea.Cmd) {
	next, last := m.selected, len(m.ran)-1
	if m.ran[next] {
		if next == last {
			m.status = "every step is done; " + m.afterLesson()
			return m, nil
		}
		next++
	}
	if m.ran[next] {
		m.selected = next
		m.text.Select(next)
		m.status = fmt.Sprintf("step %d ran already: enter runs it again, space goes on", next+1)
		return m, nil
	}
	return m.runStep(next)
}

// back closes what is open (the explain panel, the prompt), else leaves
// the lesson: at once when nothing would be lost, else after asking.
func (m lessonScreen) back() (lessonScreen, tea.Cmd) {
	switch {
	case m.explaining:
		m.explaining, m.focus = false, panelJourney
		return m, nil
	case m.focus == panelTelnet && m.prompt.Focused():
		return m, m.setFocus(panelLesson)
	case len(m.traffic.journeys()) > 0:
		m.leaving = &leaveBox{com: m.com, journeys: len(m.traffic.journeys()), then: func() tea.Msg { return backMsg{} }}
		return m, nil
	}
	return m, func() tea.Msg { return backMsg{} }
}

// nextLesson opens the lesson after this one, asking first where
// journeys would be lost before the lesson is done.
func (m lessonScreen) nextLesson() (lessonScreen, tea.Cmd) {
	if m.next == nil {
		m.status = "this is the last lesson: esc for the lesson list"
		return m, nil
	}
	next := m.next
	open := func() tea.Msg { return openMsg{next} }
	if n := len(m.traffic.journeys()); n > 0 && !m.ran[len(m.ran)-1] {
		m.leaving = &leaveBox{com: m.com, journeys: n, to: fmt.Sprintf("lesson %d", next.Number), then: open}
		return m, nil
	}
	return m, open
}

// keyLeaving answers the question whether to leave the lesson.
func (m lessonScreen) keyLeaving(msg tea.KeyPressMsg) (lessonScreen, tea.Cmd) {
	k := m.com.Keys
	box := m.leaving
	switch {
	case key.Matches(msg, k.Open):
		m.leaving = nil
		return m, box.then
	case key.Matches(msg, k.Export):
		m.status = "exporting… (esc again to leave)"
		m.leaving = nil
		return m, m.export()
	case key.Matches(msg, k.Back):
		m.leaving = nil
	}
	return m, nil
}

// export returns the Cmd that exports the session so far.
func (m lessonScreen) export() tea.Cmd {
	run := export.Run{Title: fmt.Sprintf("Lesson %d: %s", m.lab.lesson.Number, m.lab.lesson.Title), Version: m.lab.version,
		Journeys: m.traffic.journeys(), Ports: m.lab.r.Ports(), Logs: slices.Clone(m.logs)}
	return m.lab.wrap(exportSession(m.lab.exportTo, m.lab.lesson.ID(), run))
}

// updateFocused hands a key or the mouse wheel to the focused panel.
func (m *lessonScreen) updateFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.focus {
	case panelLesson:
		m.text, cmd = m.text.Update(msg)
	case panelJourney:
		m.journey, cmd = m.journey.Update(msg)
		m.syncExplain()
	case panelTelnet:
		m.prompt, cmd = m.prompt.Update(msg)
	case panelStack:
		m.stack, cmd = m.stack.Update(msg)
	case panelExplain:
		m.explain, cmd = m.explain.Update(msg)
	}
	return cmd
}

// cycleFocus moves the focus to the next panel shown.
func (m *lessonScreen) cycleFocus(d int) tea.Cmd {
	order := []panelID{panelLesson, panelJourney, panelTelnet, panelStack}
	if m.explaining {
		order = []panelID{panelLesson, panelJourney, panelExplain, panelTelnet, panelStack}
	}
	i := 0
	for k, p := range order {
		if p == m.focus {
			i = k
		}
	}
	return m.setFocus(order[(i+d+len(order))%len(order)])
}

// setFocus moves the focus to panel id: the prompt, when open, takes the
// cursor with it and gives it up when the focus leaves.
func (m *lessonScreen) setFocus(id panelID) tea.Cmd {
	m.focus = id
	if id == panelTelnet {
		return m.prompt.Focus()
	}
	m.prompt.Blur()
	return nil
}

// ShortHelp is the keys of what has the focus, the most needed first,
// and the screen's own: the footer shows as many as fit.
func (m lessonScreen) ShortHelp() []key.Binding {
	k := m.com.Keys
	var panel []key.Binding
	switch m.focus {
	case panelLesson:
		panel = m.text.ShortHelp()
	case panelJourney:
		panel = m.journey.ShortHelp()
	case panelTelnet:
		panel = m.prompt.ShortHelp()
	case panelStack:
		panel = m.stack.ShortHelp()
	case panelExplain:
		panel = m.explain.ShortHelp()
	}
	keys := []key.Binding{k.Help}
	if m.prompt.Typing() && m.focus == panelTelnet {
		return append(append(keys, panel...), k.Tab)
	}
	if m.ran[len(m.ran)-1] && m.next != nil {
		keys = append(keys, k.NextLesson)
	}
	keys = append(keys, k.Next)
	for _, b := range append(panel, k.Tab, k.Back, k.Glossary, k.Quit) {
		if !slices.ContainsFunc(keys, func(x key.Binding) bool { return x.Help() == b.Help() }) {
			keys = append(keys, b)
		}
	}
	return keys
}

// FullHelp is every key of the lesson screen, grouped.
func (m lessonScreen) FullHelp() [][]key.Binding {
	k := m.com.Keys
	return [][]key.Binding{
		{k.Next, k.Prev, k.Run, k.NextLesson, k.Tab, k.ShiftTab, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.HopPrev, k.HopNext, k.JourneyPrev, k.JourneyNext, k.Latest, k.Diff, k.Hex, k.Explain, k.Search, k.Glossary},
		{k.Send, k.HistoryUp, k.HistoryDown, k.Offers, k.Escape, k.Kill, k.Restart, k.StopStart, k.Challenges, k.Export, k.CopyCurl, k.RawTelnet, k.Back, k.Help, k.Quit},
	}
}
