package tui

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/progress"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// errNoPrefork stands for prefork.Supported's answer on Windows.
var errNoPrefork = errors.New("no shared listening sockets here; WSL2 runs it live")

// noPrefork is a system where the pre-fork server does not run.
var noPrefork = &runner.Host{Prefork: func() error { return errNoPrefork }}

func lesson3(t *testing.T) *lessons.Lesson {
	t.Helper()
	l, err := lessons.Get(3)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestLessonScreenReplaysWhereTheLessonCannotRunLive opens lesson 3
// (gunicorn) where the pre-fork server does not run: the screen says so
// at once, in one line, and each step plays its recording, marked
// REPLAY, without starting a layer.
func TestLessonScreenReplaysWhereTheLessonCannotRunLive(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(t, Options{Lesson: lesson3(t), Host: noPrefork}, 160, 40)
	notice := "Lesson 3 plays its recorded run here: " + errNoPrefork.Error() + "."
	screen := stripANSI(m.View().Content)
	for _, want := range []string{"ngw2f-lab · REPLAY · Lesson 3 · step 1 of", notice} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen shows no %q:\n%s", want, screen)
		}
	}

	m = press(m, "n")
	if s := stripANSI(m.View().Content); !strings.Contains(s, "· REPLAY · Lesson 3 · step 1 of") || !strings.Contains(s, "replaying the recorded run: ") {
		t.Errorf("after n, the header does not say the step replays:\n%s", s)
	}
	console := consoleText(m.lesson.prompt)
	for _, want := range []string{
		"── REPLAY of step 1, as recorded (" + errNoPrefork.Error() + ") ──\n",
		"lab: prefork is listening on 127.0.0.1:<prefork-port>", // what step 1 showed when it was recorded
	} {
		if !strings.Contains(console, want) {
			t.Errorf("after n, the console shows no %q:\n%s", want, console)
		}
	}
	if !m.lesson.ran[0] || m.lesson.running >= 0 {
		t.Errorf("step 1: ran %v, running %d; want it done", m.lesson.ran[0], m.lesson.running)
	}
	if n := len(m.current.r.Stack().Layers()); n != 0 {
		t.Errorf("%d layers started, want none", n)
	}
}

// TestReplayedStepsCountAsDone: a learner who steps through a recorded
// run has done those steps, as the lesson list shows.
func TestReplayedStepsCountAsDone(t *testing.T) {
	t.Parallel()
	store, _ := progress.Open(filepath.Join(t.TempDir(), "progress.json"))
	m, _ := newTestModel(t, Options{Lesson: lesson3(t), Host: noPrefork, Progress: store}, 160, 40)
	next, cmd := m.lesson.runStep(0)
	if cmd == nil {
		t.Fatal("replaying step 1 records nothing")
	}
	runCmds(cmd)
	if got := store.Get(next.lab.lesson.ID()).Steps; len(got) != 1 || got[0] != 1 {
		t.Errorf("steps done %v, want [1]", got)
	}
}

// TestLessonScreenRunsLiveWhatRunsHere: lesson 1 needs no pre-fork
// server, so it runs live there too.
func TestLessonScreenRunsLiveWhatRunsHere(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(t, Options{Lesson: lesson1(t), Host: noPrefork}, 160, 40)
	m = press(m, "n")
	if m.lesson.replay != "" || m.lesson.running != 0 && !m.lesson.ran[0] {
		t.Errorf("lesson 1: replay %q, running %d; want step 1 run live", m.lesson.replay, m.lesson.running)
	}
	if s := stripANSI(m.View().Content); strings.Contains(s, "REPLAY") {
		t.Errorf("lesson 1 is marked as a replay:\n%s", s)
	}
}

// TestPresentGoesStraightToTheRecording: in a talk, such a lesson plays
// its recording from its first step, with the reason in the header,
// rather than failing live first.
func TestPresentGoesStraightToTheRecording(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(t, Options{Lessons: []*lessons.Lesson{lesson3(t)}, Present: &Presentation{}, Host: noPrefork}, 160, 40)
	m = press(m, "right")
	if s := stripANSI(m.View().Content); !strings.Contains(s, "REPLAY: "+errNoPrefork.Error()) {
		t.Errorf("the talk's header does not say why it replays:\n%s", s)
	}
	if c := consoleText(m.present.lesson.prompt); !strings.Contains(c, "── REPLAY of step 1, as recorded") {
		t.Errorf("the talk's console shows no replay of step 1:\n%s", c)
	}
	if st := m.present.state(); !st.Replay {
		t.Error("the notes are not told the lesson replays")
	}
	if n := len(m.present.b.r.Stack().Layers()); n != 0 {
		t.Errorf("%d layers started, want none", n)
	}
}

// consoleText is what the console holds, a line a line.
func consoleText(p telnetPrompt) string {
	var b strings.Builder
	for _, l := range p.lines {
		b.WriteString(l.text + "\n")
	}
	return b.String()
}

// TestConsoleWrapsEveryLine: every line of the console, whatever its
// kind, is wrapped to the panel, never cut, and a line that wrapped is
// indented after its first line.
func TestConsoleWrapsEveryLine(t *testing.T) {
	t.Parallel()
	p := newTelnetPrompt(common.New(testStyles()))
	p.SetSize(24, 10)
	p.add(lineInfo, "lab: an info line longer than the panel stays whole")
	p.add(lineNotice, "a notice longer than the panel")
	p.add(lineCommand, "$ after")
	var got []string
	for _, l := range strings.Split(stripANSI(p.View()), "\n") {
		if l = strings.TrimRight(l, " "); l != "" {
			got = append(got, l)
		}
	}
	want := []string{"lab: an info line", "  longer than the panel", "  stays whole", "a notice longer than", "  the panel", "$ after"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q", got, want)
	}
}
