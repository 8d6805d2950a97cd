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
