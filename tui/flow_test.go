package tui

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
)

// screenProbe keeps the screen of the model the program last handed a
// message to, seen through a program filter: the renderer only writes
// what changed, so the output stream cannot be searched for whole lines.
type screenProbe struct {
	mu     sync.Mutex
	screen string
	state  flowState
}

// flowState is what the flows check of the model, copied in the filter:
// the model's slices change under the test's feet afterwards.
type flowState struct {
	width      int
	ran        []bool
	running    int
	failure    *failure
	promptOpen bool
	addrs      []string // where the lesson's layers listen
}

// nudge is a message that does nothing but pass the filter.
type nudge struct{}

func (p *screenProbe) filter(m tea.Model, msg tea.Msg) tea.Msg {
	if rm, ok := m.(model); ok {
		s := stripANSI(rm.content())
		st := flowState{width: rm.com.Width, ran: append([]bool(nil), rm.lesson.ran...), running: rm.lesson.running,
			failure: rm.lesson.failure, promptOpen: rm.lesson.prompt.open}
		if rm.current != nil {
			for _, l := range rm.current.r.Stack().Layers() {
				st.addrs = append(st.addrs, l.Addr().String())
			}
		}
		p.mu.Lock()
		p.screen, p.state = s, st
		p.mu.Unlock()
	}
	return msg
}

func (p *screenProbe) get() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.screen
}

// until waits until cond holds for the model shown. It waits a minute at
// most: a step that measures hundreds of requests takes tens of seconds
// under the race detector on a busy machine.
func (p *screenProbe) until(t *testing.T, tm *teatest.TestModel, what string, cond func(flowState) bool) flowState {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		tm.Send(nudge{})
		time.Sleep(20 * time.Millisecond)
		p.mu.Lock()
		m, s := p.state, p.screen
		p.mu.Unlock()
		if m.width > 0 && cond(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("never %s:\n%s", what, s)
		}
	}
}

// startFlow runs the TUI on lesson 1 in a test program at 120x40.
func startFlow(t *testing.T) (*teatest.TestModel, *screenProbe, *labSet) {
	return startLesson(t, lesson1(t))
}

// measureAtMost caps a lesson's measurements in these tests: under the
// race detector a CGI request takes over a second.
const measureAtMost = 10

// startLesson runs the TUI on lesson l, on free ports, at 120x40.
func startLesson(t *testing.T, l *lessons.Lesson) (*teatest.TestModel, *screenProbe, *labSet) {
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	labs := &labSet{}
	t.Cleanup(func() { labs.closeAll() })
	probe := &screenProbe{}
	m := newModel(Options{Lessons: all, Lesson: l, ExportDir: t.TempDir(), MeasureAtMost: measureAtMost}, labs)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII), tea.WithFilter(probe.filter)))
	return tm, probe, labs
}

// firstMissing returns the first of wants that s lacks, or "".
func firstMissing(s string, wants []string) string {
	for _, w := range wants {
		if !strings.Contains(s, w) {
			return w
		}
	}
	return ""
}

// waitFor waits until the screen shows every one of wants.
func waitFor(t *testing.T, tm *teatest.TestModel, p *screenProbe, wants ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		tm.Send(nudge{})
		time.Sleep(20 * time.Millisecond)
		s := p.get()
		missing := firstMissing(s, wants)
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q:\n%s", missing, s)
		}
	}
}

// TestFlowLesson1 opens lesson 1 on free ports, runs its first steps with
// the presenter's key, sees the journey of the talk's request, sends a
// request of its own from the telnet prompt, and quits, which must stop
// the layer.
func TestFlowLesson1(t *testing.T) {
	tm, p, labs := startFlow(t)
	tm.Type("n")
	waitFor(t, tm, p, "running", "in the lab's process")
	tm.Type("n")
	waitFor(t, tm, p, "GET / HTTP/1.0 (16 B)", "Connection closed by foreign host.")

	tm.Type("?")
	waitFor(t, tm, p, "Keys", "next step")
	tm.Type("x") // any key closes the help

	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(model)
	screen := stripANSI(fm.content())
	for _, want := range []string{
		"✓ 2. Type the talk's request",
		"1 GET / HTTP/1.0 (16 B)",
		"2 HTTP/1.1 200 OK (51 B)",
		"< Hello, World! (from a raw socket)\\n",
		"✓ check: the answer's status is 200",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen lacks %q:\n%s", want, screen)
		}
	}
	layer := fm.current.r.Stack().Get("rawsock")
	if layer == nil {
		t.Fatal("rawsock is not running before quitting")
	}
	addr := layer.Addr().String()
	if err := labs.closeAll(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("rawsock still listens on %s after quitting", addr)
	}
}

// TestFlowTryPrompt runs lesson 1 to its try step and sends a ready-made
// request, then a line typed by hand, from the telnet prompt.
func TestFlowTryPrompt(t *testing.T) {
	tm, p, _ := startFlow(t)
	l := lesson1(t)
	for i := range l.Steps {
		tm.Type("n")
		p.until(t, tm, fmt.Sprintf("finished step %d", i+1), func(m flowState) bool { return m.ran[i] && m.running < 0 })
		if i < len(l.Steps)-1 && handsOver(l.Steps[i]) {
			leavePrompt(t, tm, p)
		}
	}
	waitFor(t, tm, p, "ctrl+o lists ready-made requests")
	tm.Send(tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl})
	waitFor(t, tm, p, "Ready-made requests")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, p, "GET / HTTP/1.1 (16 B)", "lab: the connection is closed")
	if strings.Contains(p.get(), "★") {
		t.Error("a ready-made request solved a challenge")
	}
	tm.Type("BREW /pot HTTP/1.0")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	// rawsock closed the ready-made request's connection: the line is not
	// sent until enter asks for a new one.
	waitFor(t, tm, p, "lab: not sent: rawsock closed the connection")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, p, "BREW /pot HTTP/1.0 (20 B)")
	// Answered after its first line, with no empty line ever sent: typed
	// by hand, the journey solves lesson 1's first challenge (the
	// ready-made request before it did too, but solves nothing).
	waitFor(t, tm, p, "★ challenge solved")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	tm.Type("y")
	waitFor(t, tm, p, "printf 'BREW /pot HTTP/1.0\\r\\n' | nc 127.0.0.1")
	tm.Type("E")
	waitFor(t, tm, p, "exported to ")
	tm.Type("c")
	waitFor(t, tm, p, "✓ 1. Get a 200")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, p, "hint: The server never looks")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(model)
	if h := fm.lesson.prompt.history; len(h) != 1 || h[0] != "BREW /pot HTTP/1.0" {
		t.Errorf("history %q", h)
	}
	var out bytes.Buffer
	for _, l := range fm.lesson.prompt.lines {
		out.WriteString(l.text + "\n")
	}
	if !strings.Contains(out.String(), "$ telnet localhost ") {
		t.Errorf("the prompt never said it connected:\n%s", out.String())
	}
}

// TestFlowEveryLesson runs every written lesson in the TUI, one key a
// step as a presenter would, and checks that every step ends well and that
// quitting stops every layer the lesson started.
func TestFlowEveryLesson(t *testing.T) {
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		if l.Planned {
			continue
		}
		t.Run(l.ID(), func(t *testing.T) {
			var here *runner.Host
			if err := here.Live(l); err != nil {
				t.Skip(err) // the screen plays its recording: TestLessonScreenReplaysWhereTheLessonCannotRunLive
			}
			tm, p, labs := startLesson(t, l)
			for i := range l.Steps {
				tm.Type("n")
				p.until(t, tm, fmt.Sprintf("finished step %d", i+1), func(m flowState) bool {
					if f := m.failure; f != nil {
						t.Fatalf("step %d: %s: %s", i+1, f.title, f.text)
					}
					return m.ran[i] && m.running < 0
				})
				if i < len(l.Steps)-1 && handsOver(l.Steps[i]) {
					leavePrompt(t, tm, p)
				}
			}
			last := p.until(t, tm, "opened the telnet prompt", func(m flowState) bool { return m.promptOpen || !hasTry(l) })
			addrs := last.addrs
			tm.Type("q") // the prompt is open, and empty: q quits

			fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(model)
			for i, s := range fm.lesson.text.states {
				if s != stepDone {
					t.Errorf("step %d ended as %v", i+1, s)
				}
			}
			if err := labs.closeAll(); err != nil {
				t.Fatal(err)
			}
			for _, a := range addrs {
				if c, err := net.DialTimeout("tcp", a, time.Second); err == nil {
					c.Close()
					t.Errorf("%s still answers after quitting", a)
				}
			}
		})
	}
}

// handsOver reports whether a step hands the learner a prompt (a try or
// a drill).
func handsOver(s lessons.Step) bool {
	for _, a := range s.Actions() {
		if a.Verb == lessons.Try || a.Verb == lessons.Drill {
			return true
		}
	}
	return false
}

// leavePrompt waits for a prompt handed over mid-lesson, then leaves it,
// as a learner who goes on would: one esc.
func leavePrompt(t *testing.T, tm *teatest.TestModel, p *screenProbe) {
	t.Helper()
	p.until(t, tm, "opened the prompt", func(m flowState) bool { return m.promptOpen })
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
}

// hasTry reports whether a lesson hands the learner a telnet prompt.
func hasTry(l *lessons.Lesson) bool {
	for _, s := range l.Steps {
		for _, a := range s.Actions() {
			if a.Verb == lessons.Try {
				return true
			}
		}
	}
	return false
}

// TestFlowRunAgain presses enter after n has run a step, as a presenter
// used to space does: a step that starts a layer says it ran already and
// leaves the layer as it was; a step that only sends a request sends it
// again.
func TestFlowRunAgain(t *testing.T) {
	tm, p, labs := startFlow(t)
	tm.Type("n")
	waitFor(t, tm, p, "running", "in the lab's process")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, p, "step 1 already ran; n or space runs step 2")
	tm.Type("n")
	waitFor(t, tm, p, "Connection closed by foreign host.", "step 2 done")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, p, "journey 2 (2 of 2 kept)", "step 2 done")

	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(model)
	if screen := stripANSI(fm.content()); strings.Contains(screen, "failed") {
		t.Errorf("a step failed:\n%s", screen)
	}
	if err := labs.closeAll(); err != nil {
		t.Fatal(err)
	}
}
