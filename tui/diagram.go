package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/visible"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// diagram draws a journey as a sequence diagram, like the talk's request
// flow slides: one column per layer, the client first, and one numbered
// arrow per hop, pointing right for the request on its way down and left
// for the response on its way back up. It returns the header row and one
// row per hop, each exactly w cells wide, and false when an arrow is too
// short for its label: the hops are then listed instead (hopList), so
// that no label is ever cut. summaries say what each hop carried.
func diagram(st *common.Styles, layers []string, hops []trace.Hop, summaries []string, selected, w int) (header string, rows []string, ok bool) {
	const margin = 2 // room for the selection mark
	w -= margin
	xs := columns(layers, w)
	head := []rune(strings.Repeat(" ", w))
	for i, name := range layers {
		r := []rune(name)
		start := min(max(xs[i]-len(r)/2, 0), max(w-len(r), 0))
		for k := 0; k < len(r) && start+k < w; k++ {
			head[start+k] = r[k]
		}
	}
	header = "  " + st.Bold.Render(string(head))
	for i, h := range hops {
		line, fits := hopRow(xs, layers, h, summaries[i], w)
		if !fits {
			return "", nil, false
		}
		mark, style := "  ", hopStyle(st, h)
		if i == selected {
			mark, style = "▶ ", st.HopActive
		}
		rows = append(rows, mark+style.Render(line))
	}
	return header, rows, true
}

// hopStyle is the colour of a hop: down, up, or a hand-off.
func hopStyle(st *common.Styles, h trace.Hop) lipgloss.Style {
	switch {
	case h.Kind == trace.KindHandoff:
		return st.Handoff
	case h.Dir == trace.Up:
		return st.Up
	}
	return st.Down
}

// hopList draws a journey's hops one a line, for a panel too narrow for
// the diagram's labels: number, direction, layers and what the hop
// carried, wrapped to w.
func hopList(st *common.Styles, hops []trace.Hop, summaries []string, selected, w int) [][]string {
	rows := make([][]string, len(hops))
	for i, h := range hops {
		arrow := "→"
		if h.Dir == trace.Up {
			arrow = "←"
		}
		mark, style := "  ", hopStyle(st, h)
		if i == selected {
			mark, style = "▶ ", st.HopActive
		}
		rows[i] = wrap(mark+style.Render(fmt.Sprintf("%2d %s %s %s  %s", h.N, h.From, arrow, h.To, summaries[i])), w)
	}
	return rows
}

// columns returns the x of each layer's lifeline across w cells.
func columns(layers []string, w int) []int {
	n := len(layers)
	xs := make([]int, n)
	if n == 0 {
		return xs
	}
	left := max(len([]rune(layers[0]))/2, 1)
	right := max(len([]rune(layers[n-1]))/2, 1)
	if n == 1 {
		xs[0] = left
		return xs
	}
	span := max(w-1-left-right, n)
	for i := range xs {
		xs[i] = left + i*span/(n-1)
	}
	return xs
}

// hopRow draws one arrow between the lifelines of its two layers, and
// reports whether its label fits on it.
func hopRow(xs []int, layers []string, h trace.Hop, summary string, w int) (string, bool) {
	row := []rune(strings.Repeat(" ", w))
	for _, x := range xs {
		if x < w {
			row[x] = '│'
		}
	}
	a, b := indexOf(layers, h.From), indexOf(layers, h.To)
	label := []rune(fmt.Sprintf(" %d %s ", h.N, summary))
	if a < 0 || b < 0 || a == b {
		if len(label) > w {
			return "", false
		}
		copy(row, label)
		return string(row), true
	}
	if a > b {
		a, b = b, a
	}
	x0, x1 := xs[a], min(xs[b], w-1)
	line := '─'
	switch h.Kind {
	case trace.KindHandoff:
		line = '═'
	case trace.KindClose, trace.KindEOF, trace.KindError:
		line = '┄'
	}
	for x := x0 + 1; x < x1; x++ {
		row[x] = line
	}
	labelAt := x0 + 2
	room := x1 - 2 - labelAt
	if h.Dir == trace.Up {
		row[x0+1] = '◀'
		labelAt = x0 + 3
		room = x1 - labelAt
	} else {
		row[x1-1] = '▶'
	}
	if len(label) > room {
		return "", false
	}
	copy(row[labelAt:], label)
	return string(row), true
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// hopSummary says what a hop carried in a few words: the first line of
// its bytes and their size, or the hand-off's name.
func hopSummary(h trace.Hop) string {
	switch h.Kind {
	case trace.KindBytes:
		data := h.Data()
		first := ""
		if ls := visible.Lines(data); len(ls) > 0 {
			first = strings.TrimSuffix(visible.Bytes(ls[0]), `\n`)
			first = strings.TrimSuffix(first, `\r`)
		}
		if binary(data) {
			first = "binary"
		}
		return fmt.Sprintf("%s (%d B)", visible.Elide(first, 60), h.Size())
	case trace.KindHandoff:
		return h.Name
	case trace.KindClose:
		return "close"
	case trace.KindEOF:
		return "end of file"
	case trace.KindError:
		return "error"
	}
	return h.Kind.String()
}

// binary reports whether data looks like binary rather than text: more
// than one byte in twenty is a control byte other than CR, LF and tab.
func binary(data []byte) bool {
	odd := 0
	for _, c := range data {
		if (c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7f {
			odd++
		}
	}
	return odd > 0 && odd*20 > len(data)
}
