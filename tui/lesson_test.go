package tui

import (
	"strings"
	"testing"
)

// TestStepFollowsAndShowsWhatItDid: running a step makes the journey
// follow the newest again, after the learner looked at an older hop; on
// a small screen it brings the console, where the step shows what it
// does, to the front.
func TestStepFollowsAndShowsWhatItDid(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(t, Options{Lesson: lesson1(t)}, 80, 24)
	m.lesson.traffic.add(journeyEvents())
	m.lesson.journey.sync()
	m = press(m, "tab", "left") // the journey's tab, a hop back
	if m.lesson.journey.follow {
		t.Fatal("still following after h")
	}
	if s := stripANSI(m.lesson.journey.View()); !strings.Contains(s, "not following: L follows the newest") {
		t.Errorf("the journey does not say it no longer follows, nor how to:\n%s", s)
	}
	m.lesson, _ = m.lesson.runStep(0)
	if !m.lesson.journey.follow {
		t.Error("a step ran and the journey does not follow it")
	}
	if m.lesson.focus != panelTelnet {
		t.Errorf("at 80x24 a step leaves panel %v in front, want the console", m.lesson.focus)
	}
}

// TestLeavingAsksFirst: esc on a lesson with journeys asks before it
// throws them away; esc again stays, enter leaves.
func TestLeavingAsksFirst(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(t, Options{Lesson: lesson1(t)}, 100, 30)
	_, cmd := m.Update(keyMsg("esc"))
	if _, ok := runCmds(cmd)[0].(backMsg); !ok {
		t.Fatal("esc with nothing to lose does not leave at once")
	}
	m, _ = newTestModel(t, Options{Lesson: lesson1(t)}, 100, 30)
	m.lesson.traffic.add(journeyEvents())
	m = press(m, "esc")
	if m.lesson.leaving == nil || !strings.Contains(stripANSI(m.View().Content), "Leave the lesson?") {
		t.Fatalf("esc with a journey does not ask:\n%s", stripANSI(m.View().Content))
	}
	m = press(m, "esc")
	if m.lesson.leaving != nil || m.screen != screenLesson {
		t.Fatal("esc at the question did not stay")
	}
	m = press(m, "esc", "enter")
	if m.screen != screenList {
		t.Error("enter at the question did not leave")
	}
}
