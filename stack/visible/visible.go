// Package visible spells out bytes so that nothing on the wire is hidden
// from a reader: CR, LF, tab and every byte outside printable ASCII get a
// visible form, and text a server sent is made safe to print on the
// reader's own terminal. The transcripts, the TUI and the telnet client
// show bytes through it.
package visible

import (
	"bytes"
	"fmt"
	"strings"
)

// Lines splits b after each LF, so every line keeps its own line ending.
func Lines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

// Bytes spells out the bytes of one line so that nothing is hidden: CR,
// LF and tab as \r, \n and \t, a backslash as \\, any other byte outside
// printable ASCII as \xNN.
func Bytes(line []byte) string {
	var sb strings.Builder
	for _, c := range line {
		switch {
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '\\':
			sb.WriteString(`\\`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// Elide shortens a visible line longer than max characters by cutting out
// its middle, saying how much was left out.
func Elide(s string, max int) string {
	if len(s) <= max || max < 40 {
		return s
	}
	head, tail := max*2/3, max/6
	return fmt.Sprintf("%s ... (%d more) ... %s", s[:head], len(s)-head-tail, s[len(s)-tail:])
}

// Screen makes text a telnet session showed safe and plain for a
// transcript: CR LF and a lone CR before LF become LF, and other control
// bytes are spelled out, so that a server cannot send escape sequences to
// the reader's terminal.
func Screen(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var sb strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\n' || c == '\t':
			sb.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}
