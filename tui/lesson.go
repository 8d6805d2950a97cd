package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	next    *lessons.Lesson // the lesson after this one; nil for the last
	traffic *traffic

	text    lessonText
	stack   stackPanel
	journey journeyPanel
	explain explainPanel
	prompt  telnetPrompt

	study      *study
	challenges *challengeBox // shown over the screen while not nil
	words      *glossaryBox  // the glossary, shown over the screen while not nil
	leaving    *leaveBox     // asks before the lesson is left, while not nil

	focus      panelID
	explaining bool
	selected   int // the step selected
	running    int // the step running, or -1
	ran        []bool
	checks     [2]int   // the checks of the step running, held and failed
	logs       []string // the layers' own log lines, for an export (runner.OutLog)
	killNext   int      // which worker K kills next
	replay     string   // why the lesson plays its recorded run; empty while it runs live
	status     string
	talk       string // in a talk, the header that stands for the lesson's own and its status
	failure    *failure
	rects      map[panelID]rect
}

// failure is an error shown in a box, with what to do about it.
type failure struct {
	title, text, hint string
}

// newLessonScreen returns the screen of lab's lesson; next is the lesson
// the learner may go on to at its end, nil for none.
func newLessonScreen(com common.Common, b *lab, next *lessons.Lesson) lessonScreen {
	t := newTraffic()
	m := lessonScreen{
		com: com, lab: b, next: next, traffic: t,
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

// Init starts following the feed and the stack, and renders the text.
func (m lessonScreen) Init() tea.Cmd {
	return tea.Batch(m.lab.wrap(m.lab.feed.next()), m.lab.wrap(pollStack(m.lab.r.Stack(), 0)), m.text.Render())
}

// SetSize lays the panels out again.
func (m *lessonScreen) SetSize(w, h int) {
	m.com.SetSize(w, h)
	if m.challenges != nil {
		m.challenges.com.SetSize(w, h)
	}
	if m.words != nil {
		m.words.SetSize(w, h)
	}
	m.layout()
}

// restyle draws again what was drawn in the styles before: the console
// and the narrative.
func (m *lessonScreen) restyle() tea.Cmd {
	m.prompt.restyle()
	m.text.show()
	return m.text.Render()
}

// captures reports whether a text box takes msg rather than the screen
// (and the root: q must not quit while a request is being typed).
func (m lessonScreen) captures(msg tea.KeyPressMsg) bool {
	switch {
	case m.journey.Typing():
		return true
	case m.words != nil:
		return m.words.Captures()
	case m.challenges != nil || m.leaving != nil || m.failure != nil:
		return false
	}
	return m.focus == panelTelnet && m.prompt.Captures(msg)
}

// Update routes messages to the panels and carries out the screen's
// keys, then lays the panels out again: what the screen says may have
// grown or shrunk.
func (m lessonScreen) Update(msg tea.Msg) (lessonScreen, tea.Cmd) {
	m, cmd := m.update(msg)
	m.layout()
	return m, tea.Batch(cmd, m.text.Render())
}

func (m lessonScreen) update(msg tea.Msg) (lessonScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case feedMsg:
		cmd := m.fed(msg)
		return m, cmd
	case markdownMsg:
		m.text.took(msg)
		return m, nil
	case stackMsg:
		m.stack.apply(msg)
		m.stack.served = m.traffic.served
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
	case savedMsg:
		if msg.err != nil {
			m.prompt.add(lineError, "progress not saved: "+msg.err.Error())
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
	case notSentMsg:
		m.prompt.notSent(msg.lines)
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
	switch {
	case m.journey.Typing():
		m.journey, cmd = m.journey.Update(msg)
	case m.words != nil:
		cmd = m.words.Update(msg)
	case m.focus == panelTelnet:
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
		switch o.Kind {
		case runner.OutTry:
			cmds = append(cmds, m.setFocus(panelTelnet))
		case runner.OutCheck:
			if o.OK {
				m.checks[0]++
			} else {
				m.checks[1]++
			}
		case runner.OutLog:
			if len(m.logs) < maxConsole {
				m.logs = append(m.logs, o.Layer+": "+o.Text)
			}
		}
		m.prompt.output(o)
		if o.Kind == runner.OutTry {
			cmds = append(cmds, m.prompt.Focus())
		}
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
	cmds = append(cmds, m.studied())
	return tea.Batch(append(cmds, m.lab.wrap(m.lab.feed.next()))...)
}

// studied checks the learner's finished requests against the lesson's
// challenges, says what happened in the console, and returns the Cmd
// that records what they solved.
func (m *lessonScreen) studied() tea.Cmd {
	ready := m.prompt.readyMade
	evs := m.study.check(m.traffic.journeys(), m.lab.r.Scripted, func(addr string) bool { return ready[addr] }, m.prompt.drill)
	var solved []string
	for _, ev := range evs {
		if ev.verdict != "" {
			m.prompt.add(lineInfo, "lab: verdict: "+ev.verdict)
		}
		for _, c := range ev.solved {
			m.prompt.add(lineOK, "★ challenge solved: "+c.Goal)
			m.status = "challenge solved: " + c.ID + " (c lists them all)"
			solved = append(solved, c.ID)
		}
	}
	return m.lab.solved(solved)
}

func (m *lessonScreen) syncExplain() {
	_, hops, sel := m.journey.Selected()
	m.explain.SetHop(hops, sel)
}

// stepDone records how a step ended, and says what it did.
func (m lessonScreen) stepDone(msg stepDoneMsg) lessonScreen {
	m.running = -1
	switch {
	case msg.err == nil:
		m.ran[msg.step] = true
		m.text.SetState(msg.step, stepDone)
		m.status = m.stepSummary(msg.step)
	case errors.Is(msg.err, context.Canceled):
		m.text.SetState(msg.step, stepTodo)
	default:
		m.text.SetState(msg.step, stepFailed)
		m.failure = explainError(fmt.Sprintf("Step %d failed", msg.step+1), msg.err)
	}
	return m
}

// stepSummary says in a line what step i did and what to do next: on a
// small screen, where the panel that shows it may not be the one shown.
func (m lessonScreen) stepSummary(i int) string {
	s := fmt.Sprintf("✓ step %d done", i+1)
	switch held, failed := m.checks[0], m.checks[1]; {
	case failed > 0:
		s += fmt.Sprintf(": %d of %d checks did not hold", failed, held+failed)
	case held == 1:
		s += ": the check held"
	case held > 1:
		s += fmt.Sprintf(": all %d checks held", held)
	}
	if i == len(m.ran)-1 {
		return s + "; the lesson is complete: " + m.afterLesson()
	}
	if !m.wide() && m.focus != panelLesson {
		s += " · tab: the lesson's text"
	}
	return s
}

// afterLesson says where the learner goes from the lesson's end.
func (m lessonScreen) afterLesson() string {
	if m.next != nil {
		return fmt.Sprintf("N opens lesson %d (%s), esc the lesson list, q quits", m.next.Number, m.next.Title)
	}
	return "esc for the lesson list, q quits"
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
		f.hint = "Steps build on each other: run the earlier steps first (b goes back, enter runs a step), or start the layer again (s in the stack panel)."
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
	return fmt.Sprintf("step %d already ran; %s (a step that starts or stops layers runs once; r restarts a layer, s stops or starts one)", i+1, next)
}

// runStep starts step i, or plays its recording where the lesson replays;
// a step that starts or stops layers and has run already is not run again.
// The journey follows what the step sends; on a small screen the console,
// where the step shows what it does, comes to the front.
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
	m.journey.Follow()
	var focus tea.Cmd
	if !m.wide() {
		focus = m.setFocus(panelTelnet)
	}
	if m.replay != "" {
		m.replayStep(i)
		return m, tea.Batch(focus, m.lab.replayed(i))
	}
	m.running, m.checks = i, [2]int{}
	m.text.SetState(i, stepRunning)
	m.status = fmt.Sprintf("running step %d…", i+1)
	if m.ran[i] {
		m.status = fmt.Sprintf("running step %d again: its requests go out once more…", i+1)
	}
	return m, tea.Batch(focus, m.lab.runStep(i))
}
