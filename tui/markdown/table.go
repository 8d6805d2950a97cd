package markdown

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	east "github.com/yuin/goldmark/extension/ast"
)

// minColumn is the narrowest a table's column is made to fit the width.
const minColumn = 3

// table draws a GFM table as glamour did: each cell between spaces,
// "│" between columns, a line of "─" and "┼" under the header row, no
// outer border. Columns as wide as their widest cell are narrowed,
// widest first, until the table fits, and their cells wrapped; lines
// still too wide are cut.
func (d *drawer) table(t *east.Table, width int) []string {
	var rows [][]string
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		st := d.st.Text
		if _, ok := r.(*east.TableHeader); ok {
			st = d.st.Strong.Inherit(d.st.Text)
		}
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, d.inlines(c, st))
		}
		rows = append(rows, cells)
	}
	widths := make([]int, len(t.Alignments))
	for _, cells := range rows {
		for i, c := range cells {
			if i < len(widths) {
				widths[i] = max(widths[i], ansi.StringWidth(c))
			}
		}
	}
	fit(widths, width)
	sep := d.st.Rule.Render("│")
	var out []string
	for i, cells := range rows {
		out = append(out, d.row(cells, widths, t.Alignments, sep)...)
		if i == 0 {
			rule := make([]string, len(widths))
			for j, w := range widths {
				rule[j] = strings.Repeat("─", w+2)
			}
			out = append(out, d.st.Rule.Render(strings.Join(rule, "┼")))
		}
	}
	for i, l := range out {
		if ansi.StringWidth(l) > width {
			out[i] = ansi.Truncate(l, width, "…")
		}
	}
	return out
}

// fit narrows the widest of widths, one column at a time, until the
// columns, their padding and the lines between them fit in width, or
// none can be narrowed further.
func fit(widths []int, width int) {
	total := -1
	for _, w := range widths {
		total += w + 3
	}
	for total > width {
		widest := 0
		for i, w := range widths {
			if w > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= minColumn {
			return
		}
		widths[widest]--
		total--
	}
}

// row draws one row of cells, each wrapped to its column and aligned in
// it, as many lines high as its tallest cell.
func (d *drawer) row(cells []string, widths []int, align []east.Alignment, sep string) []string {
	wrapped := make([][]string, len(widths))
	height := 1
	for i, w := range widths {
		if i < len(cells) && cells[i] != "" {
			wrapped[i] = wrap(cells[i], w)
		}
		height = max(height, len(wrapped[i]))
	}
	lines := make([]string, height)
	parts := make([]string, len(widths))
	for k := range lines {
		for i, w := range widths {
			cell := ""
			if k < len(wrapped[i]) {
				cell = wrapped[i][k]
			}
			parts[i] = " " + pad(cell, w, align[i]) + " "
		}
		lines[k] = strings.TrimRight(strings.Join(parts, sep), " ")
	}
	return lines
}

// pad fills s with spaces to w columns as align says.
func pad(s string, w int, align east.Alignment) string {
	n := max(w-ansi.StringWidth(s), 0)
	switch align {
	case east.AlignRight:
		return strings.Repeat(" ", n) + s
	case east.AlignCenter:
		return strings.Repeat(" ", n/2) + s + strings.Repeat(" ", n-n/2)
	}
	return s + strings.Repeat(" ", n)
}
