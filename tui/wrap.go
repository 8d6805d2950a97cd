package tui

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// wrap breaks a line, styled or not, into lines of at most w cells:
// between words where it can, inside a word wider than the room. It is
// the one way the TUI fits text to a panel, so that nothing a panel says
// is ever cut off: every panel hands its lines to wrap (through a pane,
// or fit) rather than truncating them.
//
// The line's own indentation is kept on every line it becomes, and the
// lines after the first are indented two cells more, so that a line that
// wrapped reads as one. A style that spans a break is closed at the end of
// the line and opened again at the start of the next, so that a panel's
// border never takes the text's colour.
func wrap(s string, w int) []string {
	if w <= 0 || ansi.StringWidth(s) <= w {
		return []string{s}
	}
	indent := len(ansi.Strip(s)) - len(strings.TrimLeft(ansi.Strip(s), " "))
	if indent > w/2 {
		indent = 0
	}
	hang := indent + 2
	if w-hang < 10 {
		hang = indent
	}
	// Every line gets the room of a hanging one: the first is then at
	// most two cells short of the panel, and a word broken across lines
	// stays whole when copied.
	lines := strings.Split(ansi.Wrap(trimLeftSpaces(s, indent), w-hang, ""), "\n")
	out := make([]string, len(lines))
	open := ""
	for i, l := range lines {
		pad := indent
		if i > 0 {
			pad = hang
		}
		l = strings.TrimRight(l, " ")
		text := strings.Repeat(" ", pad) + open + l
		open = activeStyle(open, l)
		if open != "" {
			text += ansi.ResetStyle
		}
		out[i] = text
	}
	return out
}

// wrapAll wraps every line of lines to w cells.
func wrapAll(lines []string, w int) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, wrap(l, w)...)
	}
	return out
}

// trimLeftSpaces removes the first n spaces of s, which may come after
// style sequences.
func trimLeftSpaces(s string, n int) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		if n > 0 && s[i] == ' ' {
			n--
			i++
			continue
		}
		if loc := sgr.FindStringIndex(s[i:]); loc != nil && loc[0] == 0 {
			sb.WriteString(s[i : i+loc[1]])
			i += loc[1]
			continue
		}
		sb.WriteString(s[i:])
		break
	}
	return sb.String()
}

// sgr matches a style sequence (SGR: colours and attributes).
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// activeStyle returns the style sequences in force after line, given
// those in force before it: every sequence since the last reset.
func activeStyle(before, line string) string {
	active := before
	for _, seq := range sgr.FindAllString(line, -1) {
		if seq == "\x1b[m" || seq == "\x1b[0m" {
			active = ""
			continue
		}
		active += seq
	}
	return active
}
