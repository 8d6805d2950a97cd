package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack/proctest"
)

// TestEveryLessonWholeInTmux steps every lesson to its end with space
// alone, drills and tries included, in the built binary in tmux, at the
// smallest size the lab draws in and at a large one, and reads every
// screen it passes: no line of the lesson's text, the console, the stack
// panel or anything else on screen may end in "…", the mark of a line cut
// short. At the small size, where one panel shows at a time, it looks at
// each panel (tab) once the lesson is done. q then quits, from the
// prompt the lesson's last step left open.
func TestEveryLessonWholeInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("steps every lesson in tmux, twice: minutes")
	}
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	bin := buildLab(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, l := range all {
			if l.Planned {
				continue
			}
			t.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], l.ID()), func(t *testing.T) {
				s := newTmux(t, size[0], size[1], []string{"XDG_STATE_HOME=" + t.TempDir()},
					bin, "lesson", strconv.Itoa(l.Number), "--free-ports")
				s.waitFor("step 1 of")
				for i := range l.Steps {
					s.keys("Space")
					checkWhole(t, fmt.Sprintf("after step %d", i+1), s.waitStep(i+1))
				}
				if size[0] < 100 {
					for range 4 {
						s.keys("Tab")
						time.Sleep(300 * time.Millisecond)
						checkWhole(t, "panel", s.screen())
					}
				}
				pid := s.pid()
				s.keys("q")
				if !proctest.WaitGone(pid, 10*time.Second) {
					t.Errorf("q did not quit the lab from the lesson's end")
				}
			})
		}
	}
}

// waitStep waits until step n is done, and returns the screen; a step
// that fails fails the test.
func (s *tmuxSession) waitStep(n int) string {
	s.t.Helper()
	done := regexp.MustCompile(fmt.Sprintf(`✓ step %d done|Step %d failed`, n, n))
	deadline := time.Now().Add(3 * time.Minute)
	for {
		screen := s.screen()
		if m := done.FindString(screen); m != "" {
			if strings.HasPrefix(m, "Step") {
				s.t.Fatalf("step %d failed:\n%s", n, screen)
			}
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("step %d never finished:\n%s", n, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkWhole fails for every line of a screen, or of a panel in it, that
// ends in "…".
func checkWhole(t *testing.T, when, screen string) {
	t.Helper()
	for i, line := range strings.Split(screen, "\n") {
		for _, part := range strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune("┃│", r) }) {
			if strings.HasSuffix(strings.TrimRight(part, " "), "…") {
				t.Errorf("%s, line %d is cut: %q\n%s", when, i+1, strings.TrimSpace(part), screen)
			}
		}
	}
}
