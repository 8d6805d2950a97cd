package tui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui/common"
	"github.com/ngw2f/ngw2f-lab/tui/remote"
)

// talkLesson is a small lesson of the talk at minute mark minute.
func talkLesson(t *testing.T, n int, minute string) *lessons.Lesson {
	t.Helper()
	src := "---\nnumber: " + string(rune('0'+n)) + "\nslug: s\ntitle: Part " + string(rune('0'+n)) +
		"\ntalk: part\nminute: " + minute + "\n---\n## Start\n```lab\nstart rawsock\n```\n```notes\nSay part " +
		string(rune('0'+n)) + ".\n```\n## Ask\n```lab\ntelnet rawsock\nsend \"GET / HTTP/1.0\\r\\n\\r\\n\"\nexpect status 200\n```\n"
	l, err := lessons.Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestPresentRunsATalk presents two lessons: one key a step, the next
// lesson at the end of the first, hop by hop holding a request until the
// key, and the notes' state following along.
func TestPresentRunsATalk(t *testing.T) {
	talk := []*lessons.Lesson{talkLesson(t, 1, "0:00"), talkLesson(t, 2, "0:01")}
	server, err := remote.Listen(filepath.Join(t.TempDir(), remote.SocketName))
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	labs := &labSet{}
	t.Cleanup(func() { labs.closeAll() })
	probe := &screenProbe{}
	m := newModelWith(Options{Lessons: talk, Present: &Presentation{TypeDelay: time.Millisecond}}, labs, server)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII), tea.WithFilter(probe.filter)))

	waitFor(t, tm, probe, "PRESENTING · Lesson 1 · intro · Part 1", "part at 0:00")
	if s := probe.get(); strings.Contains(s, "next step") {
		t.Errorf("the footer offers the lesson's step keys, which the talk's own shadow:\n%s", s)
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeySpace})
	waitFor(t, tm, probe, "step 1/2 · Start", "rawsock   running")
	tm.Send(tea.KeyPressMsg{Code: 'H', Text: "H"})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyRight})
	waitFor(t, tm, probe, "⏸ held at rawsock: the next key lets it on")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyPgDown})
	waitFor(t, tm, probe, "✓ check: the answer's status is 200", "lesson 1 is done: the next key opens lesson 2")
	tm.Send(tea.KeyPressMsg{Code: tea.KeySpace})
	waitFor(t, tm, probe, "PRESENTING · Lesson 2 · intro · Part 2")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyLeft})
	waitFor(t, tm, probe, "PRESENTING · Lesson 1 · intro")
	st := mustState(t, server)
	if st.Lesson != 1 || st.Step != 0 || st.NextTitle != "Start" || st.NextNotes != "Say part 1." || st.Until != "0:01" {
		t.Errorf("published state %+v", st)
	}
	tm.Type("q")
	tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
}

// mustState returns what the presentation publishes now.
func mustState(t *testing.T, s *remote.Server) remote.State {
	t.Helper()
	var st remote.State
	done := make(chan struct{})
	got := make(chan remote.State, 1)
	go remote.Follow(s.Path(), done, func(x remote.State) {
		select {
		case got <- x:
		default:
		}
	})
	select {
	case st = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no state published")
	}
	close(done)
	return st
}

// TestPresentHelpLeavesOutShadowedKeys: the talk's keys come before the
// lesson screen's, so its help must not offer a key the talk takes.
func TestPresentHelpLeavesOutShadowedKeys(t *testing.T) {
	t.Parallel()
	m := presentScreen{com: common.Common{Keys: common.DefaultKeyMap()}}
	k := m.com.Keys
	var got []string
	for _, b := range m.unshadowed([]key.Binding{k.Next, k.Prev, k.HopPrev, k.PageDown, k.Diff}) {
		got = append(got, strings.Join(b.Keys(), ",")+"="+b.Help().Key+" "+b.Help().Desc)
	}
	want := []string{"h=h hop back", "d=d diff"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("unshadowed = %q, want %q", got, want)
	}
}

// TestSectionEndsOnTheTalksTimeline: a section of the talk ends at the
// next minute mark on the talk's own timeline, not at the next lesson by
// number: lesson 6 (7.4, 16:00) at the questions, 18:00, not at lesson
// 9's 1:30; lessons beyond the talk, and lesson 9 shown after the talk
// has passed its 1:30, with the talk, at 18:00; lesson 9 alone at the
// next section's 2:30.
func TestSectionEndsOnTheTalksTimeline(t *testing.T) {
	t.Parallel()
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	talk, err := talkLessons(all, 1, 9)
	if err != nil {
		t.Fatal(err)
	}
	at := func(n int, talk []*lessons.Lesson) int {
		for i, l := range talk {
			if l.Number == n {
				return i
			}
		}
		t.Fatalf("lesson %d is not in the talk", n)
		return -1
	}
	tests := []struct {
		name string
		talk []*lessons.Lesson
		n    int
		want string
	}{
		{"lesson 4 ends where section 7 starts", talk, 4, "14:00"},
		{"lesson 5 ends where lesson 6 starts", talk, 5, "16:00"},
		{"lesson 6 ends at the questions", talk, 6, "18:00"},
		{"lesson 7, beyond the talk", talk, 7, "18:00"},
		{"lesson 8, beyond the talk", talk, 8, "18:00"},
		{"lesson 9 after the talk passed it", talk, 9, "18:00"},
		{"lesson 9 alone", talk[at(9, talk):], 9, "2:30"},
		{"lessons 6 to 9, lesson 6", talk[at(6, talk):], 6, "18:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sectionEnd(all, tt.talk, at(tt.n, tt.talk)); got != tt.want {
				t.Errorf("lesson %d ends at %s, want %s", tt.n, got, tt.want)
			}
		})
	}
}

// TestPresentClockFromLesson6: the header of a talk that reached lessons
// 6 to 9 says how far over the section is by the talk's timeline: 16:02
// into the talk is on time for lesson 6, which ends at 18:00.
func TestPresentClockFromLesson6(t *testing.T) {
	t.Parallel()
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	labs := &labSet{}
	t.Cleanup(func() { labs.closeAll() })
	m, err := newPresentScreen(common.New(testStyles()), Options{Lessons: all, Present: &Presentation{From: 6, To: 9}}, labs, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(200, 40)
	start := m.started
	for _, tt := range []struct {
		lesson  int
		elapsed time.Duration
		want    string // in the header; "" for no "over" at all
	}{
		{6, 16*time.Minute + 2*time.Second, ""},
		{6, 18*time.Minute + 30*time.Second, "0:30 over (ends 18:00)"},
		{7, 19 * time.Minute, "1:00 over (ends 18:00)"},
		{8, 18 * time.Minute, ""},
		{9, 20 * time.Minute, "2:00 over (ends 18:00)"},
	} {
		for m.talk[m.at].Number != tt.lesson {
			if err := m.open(m.at + 1); err != nil {
				t.Fatal(err)
			}
		}
		m.now = func() time.Time { return start.Add(tt.elapsed) }
		h := stripANSI(m.header())
		if tt.want == "" && strings.Contains(h, "over") || tt.want != "" && !strings.Contains(h, tt.want) {
			t.Errorf("lesson %d at %s: header %q, want %q", tt.lesson, remote.ClockText(tt.elapsed), h, tt.want)
		}
	}
}

// stepsLesson is a talk's lesson of three steps: one starts a layer, two
// send it a request each.
func stepsLesson(t *testing.T) *lessons.Lesson {
	t.Helper()
	src := "---\nnumber: 1\nslug: s\ntitle: Steps\ntalk: part\nminute: 0:00\n---\n## One\n```lab\nstart rawsock\n```\n" +
		"## Two\n```lab\ntelnet rawsock\nsend \"GET /two HTTP/1.0\\r\\n\\r\\n\"\n```\n" +
		"## Three\n```lab\ntelnet rawsock\nsend \"GET /three HTTP/1.0\\r\\n\\r\\n\"\n```\n"
	l, err := lessons.Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestPresentPrevThenNextShowsEachStepOnce: prev shows the step before;
// next then shows the step after it again, without running it twice, and
// only then runs the next one: no step is skipped on screen. A next
// pressed while a step runs is carried out after it.
func TestPresentPrevThenNextShowsEachStepOnce(t *testing.T) {
	labs := &labSet{}
	t.Cleanup(func() { labs.closeAll() })
	probe := &screenProbe{}
	m := newModelWith(Options{Lessons: []*lessons.Lesson{stepsLesson(t)}, Present: &Presentation{TypeDelay: time.Millisecond}}, labs, nil)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII), tea.WithFilter(probe.filter)))
	space := tea.KeyPressMsg{Code: tea.KeySpace}
	tm.Send(space)
	waitFor(t, tm, probe, "step 1/3 · One", "rawsock   running")
	tm.Send(space)
	tm.Send(space) // while step 2 runs: queued
	waitFor(t, tm, probe, "step 3/3 · Three", "journey 2 (2 of 2 kept)")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyLeft})
	waitFor(t, tm, probe, "step 2/3 · Two")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyLeft})
	waitFor(t, tm, probe, "step 1/3 · One")
	tm.Send(space)
	waitFor(t, tm, probe, "step 2/3 · Two")
	tm.Send(space)
	waitFor(t, tm, probe, "step 3/3 · Three")
	time.Sleep(300 * time.Millisecond)
	if s := probe.get(); !strings.Contains(s, "journey 2 (2 of 2 kept)") {
		t.Errorf("going back and forth sent a request again:\n%s", s)
	}
	tm.Type("q")
	tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestHopByHopOutlivesALesson: closing a lesson's lab lets its held
// requests go, and must not switch hop-by-hop mode off for the next
// lesson, as it did when every lab of the talk shared one gate.
func TestHopByHopOutlivesALesson(t *testing.T) {
	t.Parallel()
	talk := []*lessons.Lesson{talkLesson(t, 1, "0:00"), talkLesson(t, 2, "0:01")}
	labs := &labSet{}
	t.Cleanup(func() { labs.closeAll() })
	m, err := newPresentScreen(common.New(testStyles()), Options{Lessons: talk, Present: &Presentation{}}, labs, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(120, 40)
	m, _ = m.Update(tea.KeyPressMsg{Code: 'H', Text: "H"})
	if err := m.open(1); err != nil {
		t.Fatal(err)
	}
	<-m.b.after // the first lesson's lab has closed
	if !m.b.gate.On() || !strings.Contains(stripANSI(m.header()), "HOP BY HOP") {
		t.Error("hop by hop went off with the lesson before")
	}
}
