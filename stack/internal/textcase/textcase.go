// Package textcase changes the case of a string into a buffer the caller
// keeps, as strings.ToUpper and strings.ToLower would write it, without
// their allocation for the ASCII names of HTTP headers: a server that
// does so for every header of every request pays for it.
package textcase

import (
	"strings"
	"unicode/utf8"
)

// AppendUpper appends s upper-cased, as strings.ToUpper writes it.
func AppendUpper(b []byte, s string) []byte {
	return appendMapped(b, s, 'a', 'z', strings.ToUpper)
}

// AppendLower appends s lower-cased, as strings.ToLower writes it.
func AppendLower(b []byte, s string) []byte {
	return appendMapped(b, s, 'A', 'Z', strings.ToLower)
}

// appendMapped appends s with the letters from lo to hi turned to the
// other case, or, when s is not all ASCII, what slow makes of it.
func appendMapped(b []byte, s string, lo, hi byte, slow func(string) string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(b, slow(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if lo <= c && c <= hi {
			c ^= 'a' - 'A' // the bit that tells an ASCII letter's case
		}
		b = append(b, c)
	}
	return b
}
