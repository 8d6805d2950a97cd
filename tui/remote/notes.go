package remote

import (
	"fmt"
	"strings"
	"time"
)

// Render draws what ngw2f-lab notes shows for st at time now, in lines of
// at most width: where the talk is, the clock against the plan, the
// current step's speaker notes and the next step's.
func Render(st State, now time.Time, width int) string {
	width = max(width, 40)
	var b strings.Builder
	elapsed := now.Sub(st.Started)
	if st.Started.IsZero() {
		elapsed = 0
	}
	clock := fmt.Sprintf("⏱ %s", ClockText(elapsed))
	if st.Minute != "" {
		clock += " · " + st.Talk + " starts at " + st.Minute
	}
	if end, ok := ParseMinute(st.Until); ok && elapsed > end {
		clock += fmt.Sprintf(" · %s over: the next section starts at %s", ClockText(elapsed-end), st.Until)
	}
	fmt.Fprintf(&b, "ngw2f-lab notes · %s\n", clock)
	if st.Ended {
		b.WriteString("\nThe presentation has ended.\n")
		return b.String()
	}
	step := "intro, before the first step"
	if st.Step > 0 {
		step = fmt.Sprintf("step %d of %d: %s", st.Step, st.Steps, st.StepTitle)
	}
	fmt.Fprintf(&b, "Lesson %d · %s · %s\n", st.Lesson, st.LessonTitle, step)
	if st.Replay {
		b.WriteString("REPLAY: this lesson plays its recorded run\n")
	}
	if st.Held != "" {
		fmt.Fprintf(&b, "HOP BY HOP: a request waits at %s; the next key lets it on\n", st.Held)
	}
	b.WriteString("\nNOTES\n")
	b.WriteString(indent(wrap(orNone(st.Notes), width-2)))
	if st.NextTitle != "" {
		fmt.Fprintf(&b, "\nNEXT · %s\n", st.NextTitle)
		b.WriteString(indent(wrap(orNone(st.NextNotes), width-2)))
	} else {
		b.WriteString("\nNEXT · the end of the talk\n")
	}
	return b.String()
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(no notes for this step)"
	}
	return s
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return "  " + strings.Join(lines, "\n  ") + "\n"
}

// wrap fills each paragraph of s to width, keeping blank lines and lines
// that start with "-" or a space (lists, code) as they are.
func wrap(s string, width int) string {
	var out []string
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, fill(strings.Join(para, " "), width)...)
			para = nil
		}
	}
	for _, l := range strings.Split(s, "\n") {
		switch {
		case strings.TrimSpace(l) == "":
			flush()
			out = append(out, "")
		case strings.HasPrefix(l, "-") || strings.HasPrefix(l, " "):
			flush()
			out = append(out, l)
		default:
			para = append(para, strings.TrimSpace(l))
		}
	}
	flush()
	return strings.Join(out, "\n")
}

func fill(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// clockText writes d as m:ss.
func ClockText(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// parseMinute reads a talk's minute mark, "6:00".
func ParseMinute(s string) (time.Duration, bool) {
	var m, sec int
	if _, err := fmt.Sscanf(s, "%d:%d", &m, &sec); err != nil {
		return 0, false
	}
	return time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, true
}
