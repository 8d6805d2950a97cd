package remote

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestRenderFitsWidth(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	st := State{
		Lesson: 2, LessonTitle: "nginx, the proxy", Talk: "4) Nginx", Minute: "3:15", Until: "6:00",
		Step: 1, Steps: 13, StepTitle: "Start nginx with the talk's configuration",
		Notes:     "3:15 in the talk. Keep the overview short: web server, reverse proxy, the rest exists.",
		NextTitle: "Ask for the page, and walk the eight headers of the answer one by one",
		NextNotes: "The talk's demo at 5:00, now through nginx.",
		Started:   start, Held: "proxy",
	}
	for _, width := range []int{40, 60, 80} {
		out := Render(st, start.Add(7*time.Minute), width)
		for _, line := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: a line of %d: %q", width, n, line)
			}
		}
		for _, word := range []string{"configuration", "over:", "exists."} {
			if !strings.Contains(out, word) {
				t.Errorf("width %d: %q was split or lost:\n%s", width, word, out)
			}
		}
	}
}
