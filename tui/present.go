package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui/common"
	"github.com/ngw2f/ngw2f-lab/tui/remote"
)

// presentScreen runs lessons as one talk (ngw2f-lab present). It shows
// the current lesson's screen, panels and all, with a header of its own:
// the talk's section, its planned minute and the time elapsed. One key
// (space, right arrow, page down: what clickers send) runs the next step
// and, at a lesson's end, opens the next lesson. A step that cannot run
// live (a port taken, a layer that will not start) says so in one line
// and plays its recorded run instead, marked as a replay; a lesson that
// cannot run live here at all plays it from its first step (replay.go).
// H switches on hop-by-hop mode: each request then waits at each hop for
// the key.
type presentScreen struct {
	com     common.Common
	opts    Options
	labs    *labSet
	all     []*lessons.Lesson // every lesson, for the talk's timeline
	talk    []*lessons.Lesson // the lessons of this talk, in order
	at      int               // index into talk
	b       *lab
	lesson  lessonScreen
	next    int  // the next step to run; the steps before it ran
	queued  int  // next keys pressed while a step ran, to carry out after it
	hold    bool // hop by hop is on, for every lesson of the talk
	started time.Time
	now     func() time.Time
	server  *remote.Server
}

// Messages of the presentation.
type (
	presentTick struct{}
	remoteMsg   struct{ command string }
	gateMsg     struct{ lab *lab }
)

// talkLessons returns the written lessons numbered from to to (zero for
// no bound).
func talkLessons(all []*lessons.Lesson, from, to int) ([]*lessons.Lesson, error) {
	var out []*lessons.Lesson
	for _, l := range all {
		if !l.Planned && (from == 0 || l.Number >= from) && (to == 0 || l.Number <= to) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no written lesson from %d to %d (see: ngw2f-lab list)", from, to)
	}
	return out, nil
}

func newPresentScreen(com common.Common, opts Options, labs *labSet, server *remote.Server) (presentScreen, error) {
	talk, err := talkLessons(opts.Lessons, opts.Present.From, opts.Present.To)
	if err != nil {
		return presentScreen{}, err
	}
	if opts.Present.TypeDelay == 0 {
		opts.Present.TypeDelay = 35 * time.Millisecond
	}
	m := presentScreen{com: com, opts: opts, labs: labs, all: opts.Lessons, talk: talk,
		server: server, now: time.Now}
	// The clock is the talk's: it starts at the first section's minute
	// mark, so that it reads against the marks of the sections after.
	m.started = m.now()
	if d, ok := remote.ParseMinute(talk[0].Minute); ok {
		m.started = m.started.Add(-d)
	}
	return m, m.open(0)
}

// open shows lesson i of the talk, with a lab of its own; the previous
// lab stops in the background, and the new one waits for it before its
// first step, as it will listen on the same ports.
func (m *presentScreen) open(i int) error {
	old := m.b
	b, err := newLab(m.talk[i], m.opts)
	if err != nil {
		return err
	}
	if old != nil {
		b.after = m.labs.retire(old)
	}
	b.gate.SetOn(m.hold)
	m.labs.add(b)
	m.at, m.b, m.next, m.queued = i, b, 0, 0
	m.lesson = newLessonScreen(m.com, b, nil) // the talk's own key opens the next lesson
	m.lesson.SetSize(m.com.Width, m.com.Height)
	m.relayout()
	return nil
}

// Init starts the lesson's feeds, the clock and the remote's commands.
func (m presentScreen) Init() tea.Cmd {
	return tea.Batch(m.lesson.Init(), m.tick(), m.waitRemote(), m.waitGate())
}

// tick moves the clock on in a second, unless the run is over first.
func (m presentScreen) tick() tea.Cmd {
	done := m.labs.done()
	return func() tea.Msg {
		t := time.NewTimer(time.Second)
		defer t.Stop()
		select {
		case <-t.C:
			return presentTick{}
		case <-done:
			return nil
		}
	}
}

// waitRemote waits for a command from ngw2f-lab next or prev.
func (m presentScreen) waitRemote() tea.Cmd {
	if m.server == nil {
		return nil
	}
	ch, done := m.server.Commands(), m.labs.done()
	return func() tea.Msg {
		select {
		case c, ok := <-ch:
			if ok {
				return remoteMsg{c}
			}
		case <-done:
		}
		return nil
	}
}

// waitGate waits until a request is held or let through by the lesson's
// gate, until the lesson's lab closes.
func (m presentScreen) waitGate() tea.Cmd {
	b := m.b
	ch, done := b.gate.Changed(), b.ctx.Done()
	return func() tea.Msg {
		select {
		case <-ch:
			return gateMsg{b}
		case <-done:
			return nil
		}
	}
}

// SetSize lays out the lesson screen.
func (m *presentScreen) SetSize(w, h int) {
	m.com.SetSize(w, h)
	m.lesson.SetSize(w, h)
	m.relayout()
}

// Update runs the talk's keys and hands the rest to the lesson screen.
func (m presentScreen) Update(msg tea.Msg) (presentScreen, tea.Cmd) {
	m, cmd := m.update(msg)
	m.relayout()
	return m, cmd
}

func (m presentScreen) update(msg tea.Msg) (presentScreen, tea.Cmd) {
	switch msg := msg.(type) {
	case presentTick:
		m.publish()
		return m, m.tick()
	case remoteMsg:
		var cmd tea.Cmd
		if msg.command == "next" {
			cmd = m.advance()
		} else {
			cmd = m.back()
		}
		m.publish()
		return m, tea.Batch(cmd, m.waitRemote())
	case gateMsg:
		if msg.lab != m.b {
			return m, nil
		}
		m.publish()
		return m, m.waitGate()
	case labMsg:
		if msg.lab != m.b {
			return m, nil
		}
		return m.labMsg(msg.msg)
	case tea.KeyPressMsg:
		if cmd, ok := m.key(msg); ok {
			m.publish()
			return m, cmd
		}
	}
	var cmd tea.Cmd
	m.lesson, cmd = m.lesson.Update(msg)
	return m, cmd
}

// labMsg takes a message of the lesson's lab: a step that failed live
// plays its recording; a step done carries out a next key pressed while
// it ran.
func (m presentScreen) labMsg(msg tea.Msg) (presentScreen, tea.Cmd) {
	done, isDone := msg.(stepDoneMsg)
	var cmd tea.Cmd
	if isDone && done.err != nil && !errors.Is(done.err, context.Canceled) {
		m.fallBack(done.step, done.err)
	} else {
		m.lesson, cmd = m.lesson.Update(msg)
	}
	if !isDone {
		return m, cmd
	}
	if done.step == len(m.talk[m.at].Steps)-1 {
		m.lesson.status = m.lessonEnd()
	}
	if m.queued > 0 {
		m.queued--
		cmd = tea.Batch(cmd, m.advance())
	}
	m.publish()
	return m, cmd
}

// key carries out the talk's own keys.
func (m *presentScreen) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.com.Keys
	if m.lesson.captures(msg) || m.lesson.failure != nil || m.lesson.challenges != nil || m.lesson.words != nil {
		return nil, false
	}
	switch {
	case key.Matches(msg, k.Back) && !m.lesson.explaining && !(m.lesson.focus == panelTelnet && m.lesson.prompt.Focused()):
		return nil, true // a talk is not left for the lesson list: q ends it
	case key.Matches(msg, k.PresentNext):
		return m.advance(), true
	case key.Matches(msg, k.PresentPrev):
		return m.back(), true
	case key.Matches(msg, k.Hold):
		m.hold = !m.hold
		m.b.gate.SetOn(m.hold)
		m.lesson.status = "hop by hop: off"
		if m.hold {
			m.lesson.status = "hop by hop: each request waits at each hop for the next key"
		}
		return nil, true
	}
	return nil, false
}

// advance lets a held request on, or shows the next step again where
// the presenter went back, or runs the next step, or opens the next
// lesson. A key pressed while a step runs waits for it (queued).
func (m *presentScreen) advance() tea.Cmd {
	if m.b.gate.Release() {
		return nil
	}
	if m.lesson.running >= 0 {
		m.queued++
		m.lesson.status = fmt.Sprintf("step %d is still running: the next key is queued (%d)", m.lesson.running+1, m.queued)
		return nil
	}
	steps := len(m.talk[m.at].Steps)
	switch shown := m.lesson.selected; {
	case shown+1 < m.next: // back from prev: the steps already run show again
		m.lesson.selected++
		m.lesson.text.Select(m.lesson.selected)
		m.lesson.status = ""
		return nil
	case m.next < steps: // live, or from the recording where the lesson replays
		i := m.next
		m.next++
		var cmd tea.Cmd
		m.lesson, cmd = m.lesson.runStep(i)
		return cmd
	case m.at < len(m.talk)-1:
		return m.openCmd(m.at + 1)
	}
	m.lesson.status = m.lessonEnd()
	return nil
}

// lessonEnd is what the status line says once a lesson's last step ran:
// in a talk the next key opens the next lesson, not the lesson list.
func (m *presentScreen) lessonEnd() string {
	if m.at < len(m.talk)-1 {
		return fmt.Sprintf("lesson %d is done: the next key opens lesson %d", m.talk[m.at].Number, m.talk[m.at+1].Number)
	}
	return "the end of the talk: q quits"
}

// back shows the step before, or the lesson before from its first step.
func (m *presentScreen) back() tea.Cmd {
	m.queued = 0
	if m.lesson.selected > 0 {
		m.lesson.selected--
		m.lesson.text.Select(m.lesson.selected)
		m.lesson.status = ""
		return nil
	}
	if m.at > 0 {
		return m.openCmd(m.at - 1)
	}
	return nil
}

func (m *presentScreen) openCmd(i int) tea.Cmd {
	if err := m.open(i); err != nil {
		m.lesson.failure = &failure{title: "This lesson cannot be opened", text: err.Error(), hint: "Press the key again to go on."}
		return nil
	}
	return m.lesson.Init()
}

// fallBack replays step i, which failed live, and every later step of
// the lesson: in front of an audience nothing waits for a fix.
func (m *presentScreen) fallBack(i int, err error) {
	m.lesson.replay = fallbackReason(err)
	m.lesson.running = -1
	m.lesson.replayStep(i)
}

// publish tells ngw2f-lab notes where the talk is.
func (m *presentScreen) publish() {
	if m.server != nil {
		m.server.Publish(m.state())
	}
}

// state is what the notes follow.
func (m presentScreen) state() remote.State {
	l := m.talk[m.at]
	st := remote.State{Lesson: l.Number, LessonTitle: l.Title, Talk: l.Talk, Minute: l.Minute,
		Until: m.until(), Steps: len(l.Steps), Started: m.started, Replay: m.lesson.replay != ""}
	cur := m.lesson.selected
	if m.next > 0 || m.lesson.running >= 0 {
		st.Step, st.StepTitle, st.Notes = cur+1, l.Steps[cur].Title, l.Steps[cur].Notes
	}
	nl, ns := m.at, m.next
	if ns >= len(l.Steps) {
		nl, ns = m.at+1, 0
	}
	if nl < len(m.talk) {
		step := m.talk[nl].Steps[ns]
		st.NextTitle, st.NextNotes = step.Title, step.Notes
		if nl != m.at {
			st.NextTitle = fmt.Sprintf("lesson %d, %s", m.talk[nl].Number, step.Title)
		}
	}
	if held := m.b.gate.Held(); len(held) > 0 {
		st.Held = held[0].Layer
	}
	return st
}

// until is the minute the section on screen ends at, on the talk's
// timeline.
func (m presentScreen) until() string { return sectionEnd(m.all, m.talk, m.at) }

// View draws the lesson screen under the talk's header, with the talk's
// keys.
func (m presentScreen) View() string {
	rows := strings.Split(m.lesson.View(), "\n")
	if m.lesson.failure == nil && m.lesson.challenges == nil {
		rows[len(rows)-1] = pad(footerHelp(m.com, m.ShortHelp()), m.com.Width)
	}
	return strings.Join(rows, "\n")
}

// relayout puts the talk's header on the lesson screen, which lays its
// panels out under it: the header wraps, so its height follows what it
// says.
func (m *presentScreen) relayout() {
	m.lesson.talk = m.header()
	m.lesson.layout()
}

// header says where the talk is and how it keeps to time, and under it
// what needs the presenter's eye: a request held, a replay and why, the
// status.
func (m presentScreen) header() string {
	st := m.com.Styles
	l := m.talk[m.at]
	where := "intro · " + l.Title
	if m.next > 0 || m.lesson.running >= 0 {
		where = fmt.Sprintf("step %d/%d · %s", m.lesson.selected+1, len(l.Steps), l.Steps[m.lesson.selected].Title)
	}
	elapsed := m.now().Sub(m.started)
	section := l.Talk
	if l.Minute != "" {
		section += " at " + l.Minute
	}
	head := st.Header.Render("PRESENTING") + st.HeaderDim.Render(fmt.Sprintf(" · Lesson %d · %s  ·  %s · ⏱ %s",
		l.Number, where, section, remote.ClockText(elapsed)))
	if end, ok := remote.ParseMinute(m.until()); ok && elapsed > end {
		head += st.Warn.Render(fmt.Sprintf(" · %s over (ends %s)", remote.ClockText(elapsed-end), m.until()))
	}
	if m.hold {
		head += st.Warn.Render(" · HOP BY HOP")
	}
	switch held := m.b.gate.Held(); {
	case len(held) > 0:
		head += "\n" + st.Warn.Render("⏸ held at "+held[0].Layer+": the next key lets it on")
	case m.lesson.replay != "":
		head += "\n" + st.Failed.Render("REPLAY: "+m.lesson.replay)
	case m.lesson.status != "":
		head += "\n" + st.Warn.Render(m.lesson.status)
	}
	return head
}

// ShortHelp is the talk's keys and the lesson screen's.
func (m presentScreen) ShortHelp() []key.Binding {
	k := m.com.Keys
	talk := []key.Binding{k.Help, k.Quit, k.PresentNext, k.PresentPrev, k.Hold}
	return append(talk, m.unshadowed(m.lesson.ShortHelp()[2:])...)
}

// FullHelp is every key of the presentation.
func (m presentScreen) FullHelp() [][]key.Binding {
	k := m.com.Keys
	groups := [][]key.Binding{{k.PresentNext, k.PresentPrev, k.Hold}}
	for _, g := range m.lesson.FullHelp() {
		groups = append(groups, m.unshadowed(g))
	}
	return groups
}

// unshadowed returns the lesson screen's bindings as they work in the
// talk, whose own keys come first: a key the talk takes is left out of
// each binding and its help, and a binding left with none goes.
func (m presentScreen) unshadowed(bs []key.Binding) []key.Binding {
	k := m.com.Keys
	taken := map[string]bool{}
	for _, b := range []key.Binding{k.PresentNext, k.PresentPrev, k.Hold} {
		for _, name := range b.Keys() {
			taken[name] = true
		}
	}
	var out []key.Binding
	for _, b := range bs {
		var left []string
		for _, name := range b.Keys() {
			if !taken[name] {
				left = append(left, name)
			}
		}
		switch {
		case len(left) == len(b.Keys()):
			out = append(out, b)
		case len(left) > 0:
			out = append(out, key.NewBinding(key.WithKeys(left...), key.WithHelp(strings.Join(left, "/"), b.Help().Desc)))
		}
	}
	return out
}
