package compare

import (
	"fmt"
	"io"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/visible"
)

// NormalisedByNature lists what compare normalises, as the report's
// head says it.
const NormalisedByNature = "Date, ports, PIDs, Server's product token, ETag and Last-Modified"

// maxLines bounds how many lines of a side's bytes a differing hop shows.
const maxLines = 40

// Write prints the report as plain text: what ran, then each scripted
// request's journey hop by hop with a verdict each, a differing hop
// with both sides' bytes, and the counts.
func (r *Report) Write(w io.Writer) error {
	l := r.Lesson
	title := fmt.Sprintf("Lesson %d, %s: the lab's layers against the real programs", l.Number, l.Title)
	fmt.Fprintf(w, "%s\n%s\n\n", title, strings.Repeat("=", len(title)))
	fmt.Fprintln(w, "On the real side:")
	for _, s := range r.Layers {
		fmt.Fprintf(w, "    %s\n", s)
	}
	for _, s := range r.OnLab {
		fmt.Fprintf(w, "    %s\n", s)
	}
	fmt.Fprintf(w, "\nValues that differ by nature are normalised before they are compared:\n%s; each hop says which it needed.\n", NormalisedByNature)
	step := -1
	for i, j := range r.Journeys {
		if j.Step != step {
			step = j.Step
			fmt.Fprintf(w, "\nStep %d: %s\n", step+1, l.Steps[step].Title)
		}
		fmt.Fprintf(w, "\n  journey %d: %s\n", i+1, visible.Elide(visible.Bytes([]byte(j.Request)), 100))
		switch {
		case j.Lab == nil:
			fmt.Fprintln(w, "    only on the real programs")
		case j.Real == nil:
			fmt.Fprintln(w, "    only on the lab's layers")
		}
		for k, row := range j.Rows {
			writeRow(w, k+1, row)
		}
	}
	n := r.Counts()
	total := 0
	for _, c := range n {
		total += c
	}
	fmt.Fprintf(w, "\nVerdict: %d hops in %d journeys: %d the same, %d the same after normalising, %d differ, %d the lab's alone, %d the real programs' alone.\n",
		total, len(r.Journeys), n[Same], n[Normalised], n[Differs], n[LabOnly], n[RealOnly])
	return nil
}

// writeRow prints one hop's verdict, and both sides' bytes when it
// differs.
func writeRow(w io.Writer, n int, row *Row) {
	verdict := row.Verdict.String()
	if row.Verdict == Normalised {
		verdict += " " + strings.Join(row.Normalised, ", ")
	}
	fmt.Fprintf(w, "    %2d  %-42s %s\n", n, row.Hop, verdict)
	if row.Verdict != Differs {
		return
	}
	for _, d := range row.Diffs {
		fmt.Fprintf(w, "          %s\n", d)
	}
	writeSide(w, "lab", row.Lab)
	writeSide(w, "real", row.Real)
}

// writeSide prints one side's bytes, a line at a time, spelled out.
func writeSide(w io.Writer, who string, b []byte) {
	lines := visible.Lines(b)
	fmt.Fprintf(w, "          %s, %d bytes:\n", who, len(b))
	for i, line := range lines {
		if i == maxLines {
			fmt.Fprintf(w, "          %-4s| ... (%d more lines)\n", who, len(lines)-maxLines)
			break
		}
		fmt.Fprintf(w, "          %-4s| %s\n", who, visible.Elide(visible.Bytes(line), 110))
	}
}
