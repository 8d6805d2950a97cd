package tui

import (
	"bytes"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
)

// screenProbe keeps the screen of the model the program last handed a
// message to, seen through a program filter: the renderer only writes
// what changed, so the output stream cannot be searched for whole lines.
type screenProbe struct {
	mu     sync.Mutex
	screen string
}

// nudge is a message that does nothing but pass the filter.
type nudge struct{}

func (p *screenProbe) filter(m tea.Model, msg tea.Msg) tea.Msg {
	if rm, ok := m.(model); ok {
		s := stripANSI(rm.content())
		p.mu.Lock()
		p.screen = s
		p.mu.Unlock()
	}
	return msg
}

func (p *screenProbe) get() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.screen
}

// startFlow runs the TUI on lesson 1 in a test program at 120x40.
func startFlow(t *testing.T) (*teatest.TestModel, *screenProbe, *labSet) {
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	labs := &labSet{}
	t.Cleanup(func() { labs.closeAll() })
	probe := &screenProbe{}
	m := newModel(Options{Lessons: all, Lesson: lesson1(t)}, labs)
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
	deadline := time.Now().Add(10 * time.Second)
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
	waitFor(t, tm, p, "running", "in the lab (pid")
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
	tm.Type("n")
	waitFor(t, tm, p, "running")
	for range len(l.Steps) - 1 {
		tm.Type("n")
		time.Sleep(50 * time.Millisecond)
	}
	waitFor(t, tm, p, "Ready-made requests")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, p, "GET / HTTP/1.1 (16 B)")
	tm.Type("BREW /pot HTTP/1.0")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, p, "BREW /pot HTTP/1.0 (20 B)")
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
