package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// frame draws body in a bordered box of exactly w x h cells, with title
// set into the top border. A focused box has a thick border, so focus shows
// without colour too. Body lines are cut or padded to fit.
func frame(st *common.Styles, title, body string, w, h int, focused bool) string {
	if w < 4 || h < 2 {
		return ""
	}
	style := st.Panel
	if focused {
		style = st.PanelFocused
	}
	b := style.GetBorderStyle()
	paint := func(s string) string {
		return lipgloss.NewStyle().Foreground(style.GetBorderTopForeground()).Render(s)
	}
	inner := w - 2
	var top string
	if title != "" {
		t := " " + shorten(title, inner-4) + " "
		top = paint(b.TopLeft+b.Top) + st.PanelTitle.Render(t) +
			paint(strings.Repeat(b.Top, max(inner-1-lipgloss.Width(t), 0))+b.TopRight)
	} else {
		top = paint(b.TopLeft + strings.Repeat(b.Top, inner) + b.TopRight)
	}
	lines := fit(body, inner, h-2)
	var sb strings.Builder
	sb.WriteString(top)
	left, right := paint(b.Left), paint(b.Right)
	for _, l := range lines {
		sb.WriteString("\n" + left + l + right)
	}
	sb.WriteString("\n" + paint(b.BottomLeft+strings.Repeat(b.Bottom, inner)+b.BottomRight))
	return sb.String()
}

// shorten drops the parts of a title, separated by " · ", from its end
// until it fits in w cells: a title says less rather than stop midword.
func shorten(title string, w int) string {
	for lipgloss.Width(title) > w {
		i := strings.LastIndex(title, " · ")
		if i < 0 {
			return ansi.Truncate(title, w, "")
		}
		title = title[:i]
	}
	return title
}

// fit returns exactly h lines of exactly w cells from s: long lines are
// wrapped (wrap), never cut; what does not fit in h lines is left out, and
// missing lines are blank. Panels wrap and scroll their own lines before
// they get here, so that nothing is left out.
func fit(s string, w, h int) []string {
	var lines []string
	if s != "" {
		lines = wrapAll(strings.Split(s, "\n"), w)
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	out := make([]string, h)
	for i := range out {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		out[i] = pad(l, w)
	}
	return out
}

// pad pads one line to exactly w cells. A line wider than w is cut, with
// no mark: the screen is composed of lines that fit (fit, wrap), and a cut
// here only ever trims what lies under an overlay.
func pad(l string, w int) string {
	lw := lipgloss.Width(l)
	if lw > w {
		l = ansi.Truncate(l, w, "")
		lw = lipgloss.Width(l)
	}
	return l + strings.Repeat(" ", max(w-lw, 0))
}

// window returns at most h lines of lines starting at off, clamping off so
// the window stays full when it can, and the offset used.
func window(lines []string, off, h int) ([]string, int) {
	off = min(off, len(lines)-h)
	off = max(off, 0)
	end := min(off+h, len(lines))
	return lines[off:end], off
}

// stripANSI removes styling from s.
func stripANSI(s string) string { return ansi.Strip(s) }

// cutTo keeps the first x cells of a styled line.
func cutTo(s string, x int) string { return ansi.Truncate(s, x, "") }

// cutLeft keeps the cells of a styled line from x to w.
func cutLeft(s string, x, w int) string { return ansi.Cut(s, x, w) }

// moveSelection moves a selection among n rows by the up and down keys
// and the mouse wheel.
func moveSelection(msg tea.Msg, k *common.KeyMap, sel, n int) int {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Up):
			sel--
		case key.Matches(msg, k.Down):
			sel++
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			sel--
		case tea.MouseWheelDown:
			sel++
		}
	}
	return max(min(sel, n-1), 0)
}
