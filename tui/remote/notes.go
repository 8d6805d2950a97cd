package remote

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
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
	b.WriteString(fill("ngw2f-lab notes · "+clock, width) + "\n")
	if st.Ended {
		b.WriteString("\nThe presentation has ended.\n")
		return b.String()
	}
	step := "intro, before the first step"
	if st.Step > 0 {
		step = fmt.Sprintf("step %d of %d: %s", st.Step, st.Steps, st.StepTitle)
	}
	b.WriteString(fill(fmt.Sprintf("Lesson %d · %s · %s", st.Lesson, st.LessonTitle, step), width) + "\n")
	if st.Replay {
		b.WriteString(fill("REPLAY: this lesson plays its recorded run", width) + "\n")
	}
	if st.Held != "" {
		b.WriteString(fill("HOP BY HOP: a request waits at "+st.Held+"; the next key lets it on", width) + "\n")
	}
	b.WriteString("\nNOTES\n")
	b.WriteString(indent(wrap(orNone(st.Notes), width-2)))
	if st.NextTitle != "" {
		b.WriteString("\n" + fill("NEXT · "+st.NextTitle, width) + "\n")
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
			out = append(out, fill(strings.Join(para, " "), width))
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

// fill breaks text into lines of at most width characters, between
// words; a word longer than width gets a line of its own.
func fill(text string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}

// ClockText writes d as m:ss.
func ClockText(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// ParseMinute reads a talk's minute mark, "6:00".
func ParseMinute(s string) (time.Duration, bool) {
	var m, sec int
	if _, err := fmt.Sscanf(s, "%d:%d", &m, &sec); err != nil {
		return 0, false
	}
	return time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, true
}
