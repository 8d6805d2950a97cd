package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/tui/common"
)

func TestStackPanelFollowsWorkers(t *testing.T) {
	t.Parallel()
	p := newStackPanel(common.New(testStyles()))
	p.SetSize(100, 4)
	p.apply(stackMsg{layers: []layerInfo{{name: "prefork", addr: "127.0.0.1:8000", pids: []int{100, 101, 102}}}})
	p.apply(stackMsg{layers: []layerInfo{{name: "prefork", addr: "127.0.0.1:8000", pids: []int{100, 102, 103}}}})
	view := stripANSI(p.View())
	for _, want := range []string{"master 100, workers 102 103", "pid 101 gone; 103 took its place", "running"} {
		if !strings.Contains(view, want) {
			t.Errorf("stack panel lacks %q:\n%s", want, view)
		}
	}
	p.apply(stackMsg{})
	if view := stripANSI(p.View()); !strings.Contains(view, "stopped") {
		t.Errorf("a layer gone from the stack is not shown stopped:\n%s", view)
	}
}

func TestPIDChange(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		old, cur []int
		want     string
	}{
		{[]int{100, 101, 102}, []int{100, 102, 103}, "pid 101 gone; 103 took its place"},
		{[]int{100, 101, 102}, []int{100, 103, 104}, "pids 101, 102 gone; 103, 104 took their places"},
		{[]int{100, 101, 102}, []int{100, 102}, "pid 101 gone"},
		{[]int{100, 101}, []int{100, 101, 102, 103}, "pids 102, 103 started"},
		{nil, []int{100, 101}, ""},
		{[]int{100, 101}, []int{100, 101}, ""},
	} {
		if got := pidChange(tt.old, tt.cur); got != tt.want {
			t.Errorf("pidChange(%v, %v) = %q, want %q", tt.old, tt.cur, got, tt.want)
		}
	}
}

func TestKillPicksAWorker(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(t, Options{Lesson: lesson1(t)}, 100, 30)
	s := m.lesson
	s.stack.apply(stackMsg{layers: []layerInfo{{name: "rawsock", pids: []int{os.Getpid()}}}})
	s, cmd := s.killWorker()
	if cmd != nil || !strings.Contains(s.status, "no worker to kill") {
		t.Errorf("K with an in-process layer: status %q, cmd %v", s.status, cmd != nil)
	}
	// The Cmds are not run: these PIDs are made up.
	s.stack.apply(stackMsg{layers: []layerInfo{
		{name: "rawsock", pids: []int{os.Getpid()}},
		{name: "prefork", pids: []int{900001, 900002, 900003}},
	}})
	var killed []string
	for range 3 {
		s, cmd = s.killWorker()
		if cmd == nil {
			t.Fatal("no kill for a layer with workers")
		}
		killed = append(killed, s.status)
	}
	for i, want := range []string{"prefork worker 900002", "prefork worker 900003", "prefork worker 900002"} {
		if !strings.Contains(killed[i], want) {
			t.Errorf("kill %d: %q, want %q", i+1, killed[i], want)
		}
	}
}

func TestListOpensAndBackCloses(t *testing.T) {
	t.Parallel()
	m, labs := newTestModel(t, Options{}, 100, 30)
	next, cmd := m.Update(keyMsg("enter"))
	m = next.(model)
	open, ok := cmd().(openMsg)
	if !ok || open.lesson.Number != 1 {
		t.Fatalf("enter on the list gave %v, want lesson 1 opened", open)
	}
	next, _ = m.Update(open)
	m = next.(model)
	if m.screen != screenLesson || len(labs.open) != 1 {
		t.Fatalf("screen %v with %d labs open, want the lesson screen and one lab", m.screen, len(labs.open))
	}
	next, _ = m.Update(backMsg{})
	m = next.(model)
	<-m.closing
	if m.screen != screenList || len(labs.open) != 0 {
		t.Errorf("after esc: screen %v with %d labs open", m.screen, len(labs.open))
	}
}

func TestStackPanelShowsAHaltedLayer(t *testing.T) {
	t.Parallel()
	p := newStackPanel(common.New(testStyles()))
	p.SetSize(120, 4)
	p.apply(stackMsg{layers: []layerInfo{{name: "prefork", addr: "127.0.0.1:8000", pids: []int{100},
		halted: "prefork: starting a worker: too many open files"}}})
	view := stripANSI(p.View())
	for _, want := range []string{"halted", "starting a worker: too many open files"} {
		if !strings.Contains(view, want) {
			t.Errorf("the panel lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "127.0.0.1:8000") {
		t.Errorf("a halted layer shows an address it no longer listens on:\n%s", view)
	}
}

func TestStackPanelShowsACrash(t *testing.T) {
	t.Parallel()
	p := newStackPanel(common.New(testStyles()))
	p.SetSize(160, 4)
	p.apply(stackMsg{layers: []layerInfo{{name: "prefork", addr: "127.0.0.1:8000", pids: []int{100, 101}}}})
	p.apply(stackMsg{layers: []layerInfo{{name: "prefork", addr: "127.0.0.1:8000", pids: []int{100, 102},
		crash: "worker 101 exited with code 2: panic: boom"}}})
	if view := stripANSI(p.View()); !strings.Contains(view, "worker 101 exited with code 2: panic: boom") {
		t.Errorf("the panel does not say how the worker crashed:\n%s", view)
	}
}

// TestStackTitleNamesTheRealProgram checks that with --real the stack
// panel's title names the program that runs, not the lab's layer it
// stands in for, and that the program's file is the part dropped first
// where the title does not fit.
func TestStackTitleNamesTheRealProgram(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(t, Options{Lesson: lesson1(t)}, 100, 30)
	s := m.lesson
	s.stack.apply(stackMsg{layers: []layerInfo{{name: "rawsock", pids: []int{os.Getpid()}}}})
	if got := s.title(panelStack); !strings.Contains(got, "in Go") {
		t.Errorf("the lab's own rawsock: title %q, want what it mirrors", got)
	}
	s.stack.apply(stackMsg{layers: []layerInfo{{name: "rawsock", pids: []int{os.Getpid()},
		real: "the real Python 3.11.2 · /usr/bin/python3"}}})
	got := s.title(panelStack)
	if want := "Stack · rawsock: the real Python 3.11.2 · /usr/bin/python3"; got != want {
		t.Errorf("a real rawsock: title %q, want %q", got, want)
	}
	if got := shorten(got, 40); got != "Stack · rawsock: the real Python 3.11.2" {
		t.Errorf("the title in 40 cells: %q", got)
	}
}
