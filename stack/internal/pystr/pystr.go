// Package pystr does to strings what Python does to them where the lab
// mirrors a Python program's words: gunicorn and Python's servers decode
// a request's bytes as latin-1, one character a byte, so these functions
// take and give such bytes, each standing for one latin-1 character.
package pystr

import (
	"fmt"
	"strings"
)

// Upper upper-cases latin-1 bytes as Python's str.upper does: ß
// becomes SS, and the letters à to þ (but ÷) their capitals. It reports
// false when a character's capital is outside latin-1 (µ, ÿ); that
// character is then kept as it is.
func Upper(b []byte) (string, bool) {
	ok := true
	out := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 0xe0 && c <= 0xfe && c != 0xf7:
			out = append(out, c-0x20)
		case c == 0xdf:
			out = append(out, 'S', 'S')
		case c == 0xb5 || c == 0xff:
			ok = false
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return string(out), ok
}

// Int parses s as Python's int() parses a string: whitespace around it
// (Python's, as latin-1 has it), a sign, and decimal digits, single
// underscores allowed between them. A number too large for an int64 is
// the largest one: Python's ints have no bound.
func Int(s string) (int64, bool) {
	s = Strip(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			continue
		case c < '0' || c > '9':
			return 0, false
		}
		if n > (1<<63-1-int64(c-'0'))/10 {
			n = 1<<63 - 1
			continue
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// IsSpace reports whether the latin-1 character c is whitespace to
// Python's str.strip and int().
func IsSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r' || c >= 0x1c && c <= 0x1f || c == 0x85 || c == 0xa0
}

// Repr writes prefix and s as Python's "%r" writes a string decoded
// from bytes as latin-1: in single quotes, or double quotes when s holds a
// single quote and no double one; backslashes, the quote and characters
// Python does not print escaped (\t, \n, \r, \xNN); other bytes as they
// are, as an error page encodes them back to latin-1.
func Repr(prefix, s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	b := append([]byte(prefix), q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == q:
			b = append(b, '\\', c)
		case c == '\t':
			b = append(b, `\t`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c < 0x20 || c >= 0x7f && c <= 0xa0 || c == 0xad:
			b = append(b, fmt.Sprintf(`\x%02x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return string(append(b, q))
}

// Strip drops the whitespace around s, as Python's str.strip does.
func Strip(s string) string {
	for s != "" && IsSpace(s[0]) {
		s = s[1:]
	}
	for s != "" && IsSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}
