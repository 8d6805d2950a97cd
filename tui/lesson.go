package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// panelID names the lesson screen's panels.
type panelID int

const (
	panelLesson panelID = iota
	panelJourney
	panelTelnet
	panelStack
	panelExplain
)

var panelNames = map[panelID]string{
	panelLesson: "Lesson", panelJourney: "Journey", panelTelnet: "Telnet",
	panelStack: "Stack", panelExplain: "Explain",
}

// backMsg asks the root to leave the lesson for the list.
type backMsg struct{}

// lessonScreen is a lesson being run: its text and steps, the stack, the
// live journey, the explain panel and the telnet console, all at once on a
// large terminal and one at a time (tab) on a small one.
type lessonScreen struct {
	com     common.Common
	lab     *lab
	traffic *traffic

	text    lessonText
	stack   stackPanel
	journey journeyPanel
	explain explainPanel
	prompt  telnetPrompt

	study      *study
	challenges *challengeBox // shown over the screen while not nil

	focus      panelID
	explaining bool
	selected   int // the step selected
	running    int // the step running, or -1
	ran        []bool
	killNext   int    // which worker K kills next
	replay     string // why the lesson plays its recorded run; empty while it runs live
	status     string
	failure    *failure
	rects      map[panelID]rect
}

// failure is an error shown in a box, with what to do about it.
type failure struct {
	title, text, hint string
}

func newLessonScreen(com common.Common, b *lab) lessonScreen {
	t := newTraffic()
	m := lessonScreen{
		com: com, lab: b, traffic: t,
		text:    newLessonText(com, b.lesson),
		stack:   newStackPanel(com),
		journey: newJourneyPanel(com, t),
		explain: newExplainPanel(com, b.lesson),
		prompt:  newTelnetPrompt(com),
		study:   newStudy(b),
		running: -1,
		ran:     make([]bool, len(b.lesson.Steps)),
		rects:   map[panelID]rect{},
	}
	m.playRecorded()
	return m
}

// Init starts following the feed and the stack.
func (m lessonScreen) Init() tea.Cmd {
	return tea.Batch(m.lab.wrap(m.lab.feed.next()), m.lab.wrap(pollStack(m.lab.r.Stack(), 0)))
}

// SetSize lays the panels out again.
func (m *lessonScreen) SetSize(w, h int) {
	m.com.SetSize(w, h)
	if m.challenges != nil {
		m.challenges.com.SetSize(w, h)
	}
	m.layout()
}

// typing reports whether keys go to a text box rather than to commands.
func (m lessonScreen) typing() bool {
	return (m.focus == panelTelnet && m.prompt.Typing()) || m.journey.Typing()
}

// Update routes messages to the panels and carries out the screen's keys.
func (m lessonScreen) Update(msg tea.Msg) (lessonScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case feedMsg:
		cmd := m.fed(msg)
		return m, cmd
	case stackMsg:
		m.stack.apply(msg)
		m.stack.served = m.traffic.served
		m.layout()
		return m, m.lab.wrap(pollStack(m.lab.r.Stack(), pollInterval))
	case stepDoneMsg:
		return m.stepDone(msg), nil
	case actionDoneMsg:
		for name := range m.stack.busy {
			delete(m.stack.busy, name)
		}
		m.status = msg.what + ": done"
		if msg.err != nil {
			m.failure = explainError(msg.what+" failed", msg.err)
		}
		return m, m.lab.wrap(pollStack(m.lab.r.Stack(), 0))
	case rawClientDone:
		m.status = "the telnet client exited"
		if msg.err != nil {
			m.status = "telnet: " + msg.err.Error()
		}
		return m, nil
	case exportedMsg:
		m.status = fmt.Sprintf("exported to %s", strings.Join(msg.files, " and "))
		if msg.err != nil {
			m.failure = &failure{title: "Export failed", text: msg.err.Error(),
				hint: "The lab writes the export into the directory it was started from: start it from one you can write to."}
		}
		return m, nil
	case busyMsg:
		m.status = "wait: " + msg.what + " is still running"
		return m, nil
	case dialMsg:
		return m, m.lab.dial(msg.addr)
	case promptMsg:
		cmd := m.prompt.connected(msg.session)
		return m, cmd
	case promptFail:
		m.prompt.add(lineError, "telnet: "+msg.err.Error())
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseMsg:
		return m.mouse(msg)
	case tea.PasteMsg:
		var cmd tea.Cmd
		if m.focus == panelTelnet {
			m.prompt, cmd = m.prompt.Update(msg)
		}
		return m, cmd
	}
	var cmd tea.Cmd
	if m.journey.Typing() {
		m.journey, cmd = m.journey.Update(msg)
	} else if m.focus == panelTelnet {
		m.prompt, cmd = m.prompt.Update(msg)
	}
	return m, cmd
}

// fed takes a frame of outside events.
func (m *lessonScreen) fed(msg feedMsg) tea.Cmd {
	m.traffic.add(msg.events)
	m.traffic.missed = msg.missed
	var cmds []tea.Cmd
	for _, o := range msg.outputs {
		if o.Kind == runner.OutTry {
			m.focus = panelTelnet
			m.layout()
		}
		cmds = append(cmds, m.prompt.output(o))
	}
	if len(msg.screen) > 0 {
		m.prompt.screen(string(msg.screen))
	}
	if msg.ended {
		m.prompt.ended()
	}
	m.journey.sync()
	m.syncExplain()
	m.stack.served = m.traffic.served
	m.studied()
	return tea.Batch(append(cmds, m.lab.wrap(m.lab.feed.next()))...)
}

// studied checks the learner's finished requests against the lesson's
// challenges, and says what happened in the console.
func (m *lessonScreen) studied() {
	ready := m.prompt.readyMade
	evs := m.study.check(m.traffic.journeys(), m.lab.r.Scripted, func(addr string) bool { return ready[addr] }, m.prompt.drill)
	for _, ev := range evs {
		if ev.verdict != "" {
			m.prompt.add(lineInfo, "lab: verdict: "+ev.verdict)
		}
		for _, c := range ev.solved {
			m.prompt.add(lineOK, "★ challenge solved: "+c.Goal)
			m.status = "challenge solved: " + c.ID + " (c lists them all)"
		}
	}
	if err := m.study.record(m.lab.progress, m.lab.lesson.ID(), evs); err != nil {
		m.prompt.add(lineError, "progress not saved: "+err.Error())
	}
}

func (m *lessonScreen) syncExplain() {
	_, hops, sel := m.journey.Selected()
	m.explain.SetHop(hops, sel)
}

// stepDone records how a step ended.
func (m lessonScreen) stepDone(msg stepDoneMsg) lessonScreen {
	m.running = -1
	switch {
	case msg.err == nil:
		m.ran[msg.step] = true
		m.text.SetState(msg.step, stepDone)
		m.status = fmt.Sprintf("step %d done", msg.step+1)
		if msg.step == len(m.ran)-1 {
			m.status = "the last step is done: the lesson is complete (esc for the lessons, q to quit)"
		}
	case errors.Is(msg.err, context.Canceled):
		m.text.SetState(msg.step, stepTodo)
	default:
		m.text.SetState(msg.step, stepFailed)
		m.failure = explainError(fmt.Sprintf("Step %d failed", msg.step+1), msg.err)
	}
	return m
}

// explainError words an error a learner can cause, with what to do.
func explainError(title string, err error) *failure {
	f := &failure{title: title, text: err.Error(),
		hint: "Press enter to run the step again, b and n to move between steps, q to quit."}
	var busy *stack.PortBusyError
	var lerr *lessons.Error
	switch {
	case errors.As(err, &busy):
		f.hint = "Another program uses that port. Stop it, or start the lab with --port set to a free port."
	case errors.As(err, &lerr) && strings.Contains(lerr.Msg, "is not running"):
		f.hint = "Steps build on each other: run the earlier steps first (b goes back, enter runs a step)."
	case errors.As(err, &lerr) && lerr.Err == nil:
		f.hint = "The lesson file asks for something the lab cannot do: fix " + lerr.File + " at the line shown and open it again."
	}
	return f
}

// alreadyRan says why step i of n, which starts or stops layers and has
// run, does not run again, and what to press instead.
func alreadyRan(i, n int) string {
	next := "every step is done"
	if i+1 < n {
		next = fmt.Sprintf("n or space runs step %d", i+2)
	}
	return fmt.Sprintf("step %d already ran; %s (a step that starts or stops layers runs once; r restarts a layer)", i+1, next)
}

// runStep starts step i, or plays its recording where the lesson replays;
// a step that starts or stops layers and has run already is not run again.
func (m lessonScreen) runStep(i int) (lessonScreen, tea.Cmd) {
	if m.running >= 0 {
		m.status = fmt.Sprintf("wait: step %d is still running", m.running+1)
		return m, nil
	}
	m.selected, m.failure = i, nil
	m.text.Select(i)
	if m.ran[i] && m.lab.lesson.Steps[i].ChangesStack() {
		m.status = alreadyRan(i, len(m.ran))
		return m, nil
	}
	if m.replay != "" {
		m.replayStep(i)
		return m, m.lab.replayed(i)
	}
	m.running = i
	m.text.SetState(i, stepRunning)
	m.status = fmt.Sprintf("running step %d…", i+1)
	if m.ran[i] {
		m.status = fmt.Sprintf("running step %d again: its requests go out once more…", i+1)
	}
	return m, m.lab.runStep(i)
}

// key carries out a key press.
func (m lessonScreen) key(msg tea.KeyPressMsg) (lessonScreen, tea.Cmd) {
	k := m.com.Keys
	if m.failure != nil {
		m.failure = nil
		if !key.Matches(msg, k.Run) {
			return m, nil
		}
	}
	if m.challenges != nil {
		box, open := m.challenges.Update(msg)
		m.challenges = &box
		if !open {
			m.challenges = nil
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Tab):
		m.cycleFocus(+1)
		return m, nil
	case key.Matches(msg, k.ShiftTab):
		m.cycleFocus(-1)
		return m, nil
	}
	if m.typing() {
		return m.keyTyping(msg)
	}
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Next):
		next := m.selected
		if m.ran[next] && next < len(m.ran)-1 {
			next++
		}
		return m.runStep(next)
	case key.Matches(msg, k.Prev):
		m.selected = max(m.selected-1, 0)
		m.text.Select(m.selected)
	case key.Matches(msg, k.Run) && m.focus != panelTelnet:
		return m.runStep(m.selected)
	case key.Matches(msg, k.Run) && m.focus == panelTelnet:
		m.prompt, cmd = m.prompt.Update(msg)
	case key.Matches(msg, k.Explain):
		m.explaining = !m.explaining
		m.focus = panelJourney
		if m.explaining {
			m.focus = panelExplain
		}
		m.syncExplain()
		m.layout()
	case key.Matches(msg, k.Back):
		if m.explaining {
			m.explaining, m.focus = false, panelJourney
			m.layout()
			return m, nil
		}
		return m, func() tea.Msg { return backMsg{} }
	case key.Matches(msg, k.Challenges):
		box := newChallengeBox(m.com, m.study)
		m.challenges = &box
	case key.Matches(msg, k.Export):
		m.status = "exporting…"
		return m, m.lab.wrap(exportSession(m.lab.exportTo, m.lab.lesson, m.traffic.journeys(), m.lab.version))
	case key.Matches(msg, k.CopyCurl):
		return m.copyCurl()
	case key.Matches(msg, k.RawTelnet):
		r, ok := m.stack.Selected()
		if !ok || !r.running {
			m.status = "no layer runs to connect to: run the step that starts one"
			return m, nil
		}
		m.status = "ngw2f-lab telnet " + r.addr + ": back here when it exits"
		return m, runRawClient(m.lab.ctx, r.addr)
	case key.Matches(msg, k.Kill):
		return m.killWorker()
	case key.Matches(msg, k.Restart):
		return m.restartLayer()
	case key.Matches(msg, k.HopPrev, k.HopNext, k.JourneyPrev, k.JourneyNext, k.Latest, k.Diff, k.Hex, k.Search):
		m.journey, cmd = m.journey.Update(msg)
		m.syncExplain()
	default:
		cmd = m.updateFocused(msg)
	}
	return m, cmd
}

// keyTyping sends keys to the box being typed in; esc leaves it.
func (m lessonScreen) keyTyping(msg tea.KeyPressMsg) (lessonScreen, tea.Cmd) {
	var cmd tea.Cmd
	if m.journey.Typing() {
		m.journey, cmd = m.journey.Update(msg)
		m.syncExplain()
		return m, cmd
	}
	if key.Matches(msg, m.com.Keys.Back) && !m.prompt.picking && !m.prompt.escape {
		m.focus = panelLesson
		m.prompt.input.Blur()
		m.layout()
		return m, nil
	}
	m.prompt, cmd = m.prompt.Update(msg)
	return m, cmd
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

// killWorker kills a worker of the selected layer, or of the first layer
// that has workers: the pre-fork server's master then starts another.
func (m lessonScreen) killWorker() (lessonScreen, tea.Cmd) {
	rows := m.stack.rows
	pick := -1
	if r, ok := m.stack.Selected(); ok && r.running && len(r.pids) > 1 {
		pick = m.stack.selected
	}
	for i := 0; pick < 0 && i < len(rows); i++ {
		if rows[i].running && len(rows[i].pids) > 1 {
			pick = i
		}
	}
	if pick < 0 {
		m.status = "no worker to kill: the pre-fork server (lesson 3) has them"
		return m, nil
	}
	r := rows[pick]
	workers := r.pids[1:]
	pid := workers[m.killNext%len(workers)]
	m.killNext++
	m.status = fmt.Sprintf("killing %s worker %d (SIGKILL); watch its master replace it", r.name, pid)
	return m, m.lab.kill(r.name, pid)
}

// copyCurl shows the command that resends the selected journey's request
// and puts it on the clipboard.
func (m lessonScreen) copyCurl() (lessonScreen, tea.Cmd) {
	j, _, _ := m.journey.Selected()
	if j == nil {
		m.status = "no journey selected to copy"
		return m, nil
	}
	c, cmd, ok := copyAsCurl(j)
	if !ok {
		m.status = "this journey has no request from a client to copy"
		return m, nil
	}
	if c.Curl {
		m.prompt.add(lineInfo, fmt.Sprintf("lab: journey %d's request as curl (copied to the clipboard where the terminal allows):", j.ID))
	} else {
		m.prompt.add(lineInfo, fmt.Sprintf("lab: curl cannot send journey %d's bytes (%s); this does (copied):", j.ID, c.Why))
	}
	m.prompt.add(lineCommand, c.Line)
	m.status = "copied as a command"
	return m, cmd
}

// restartLayer restarts the selected layer, or the first one.
func (m lessonScreen) restartLayer() (lessonScreen, tea.Cmd) {
	r, ok := m.stack.Selected()
	if !ok || !r.running {
		m.status = "no layer runs to restart"
		return m, nil
	}
	if m.running >= 0 {
		m.status = fmt.Sprintf("wait: step %d is still running", m.running+1)
		return m, nil
	}
	m.stack.busy[r.name] = "restarting"
	m.status = "restarting " + r.name + "…"
	return m, m.lab.restart(r.name)
}

// cycleFocus moves the focus to the next panel shown.
func (m *lessonScreen) cycleFocus(d int) {
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
	m.focus = order[(i+d+len(order))%len(order)]
	if m.focus == panelTelnet && m.prompt.open {
		m.prompt.input.Focus()
	} else {
		m.prompt.input.Blur()
	}
	m.layout()
}

// ShortHelp is the keys of the focused panel and the screen's own.
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
	if m.typing() {
		return append([]key.Binding{k.Tab}, panel...)
	}
	return append([]key.Binding{k.Help, k.Quit, k.Tab}, panel...)
}

// FullHelp is every key of the lesson screen, grouped.
func (m lessonScreen) FullHelp() [][]key.Binding {
	k := m.com.Keys
	return [][]key.Binding{
		{k.Next, k.Prev, k.Run, k.Tab, k.ShiftTab, k.Up, k.Down, k.PageUp, k.PageDown},
		{k.HopPrev, k.HopNext, k.JourneyPrev, k.JourneyNext, k.Latest, k.Diff, k.Hex, k.Explain, k.Search},
		{k.Send, k.HistoryUp, k.HistoryDown, k.Offers, k.Escape, k.Kill, k.Restart, k.Challenges, k.Export, k.CopyCurl, k.RawTelnet, k.Back, k.Help, k.Quit},
	}
}
