package toolkit

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The URL helpers below follow werkzeug.urls: percent-decoding that keeps
// a bad escape as it is, query strings split on '&' only, and the quoting
// tables Werkzeug builds URLs with.

// DecodeQuery parses a query string (or a urlencoded form) into a
// MultiDict, as Werkzeug's url_decode: pairs separated by '&', each split
// at its first '=' (a pair with none has an empty value), empty pairs
// skipped, '+' read as a space, %XX decoded, and bytes that are not UTF-8
// replaced by U+FFFD.
func DecodeQuery(s string) *MultiDict {
	d := &MultiDict{}
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		d.Add(unquotePlus(k), unquotePlus(v))
	}
	return d
}

// EncodeQuery writes pairs as a query string, as Werkzeug's url_encode:
// key=value joined by '&', spaces as '+', everything else outside the
// always-safe set %XX-escaped.
func EncodeQuery(pairs []Pair) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(quotePlus(p.Key))
		b.WriteByte('=')
		b.WriteString(quotePlus(p.Value))
	}
	return b.String()
}

func unquotePlus(s string) string {
	return Unquote(strings.ReplaceAll(s, "+", " "))
}

// Unquote decodes %XX escapes; an escape that is not two hex digits is
// kept as it is. The result is made valid UTF-8, as Werkzeug decodes it
// with errors="replace".
func Unquote(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return ValidUTF8(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c, ok := escaped(s, i); ok {
			b = append(b, c)
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return ValidUTF8(string(b))
}

// ValidUTF8 replaces each byte of s that is not part of a UTF-8 sequence
// with U+FFFD, as Python's decode with errors="replace" mostly does.
func ValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}

// escaped returns the byte a %XX escape at s[i] stands for, and false
// when there is no such escape there.
func escaped(s string, i int) (byte, bool) {
	if s[i] != '%' || i+3 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
	return byte(n), err == nil
}

// alwaysSafe are the bytes Werkzeug never escapes in a URL: letters,
// digits, "-._~" and the sub-delimiters "$!'()*+,;".
const alwaysSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~$!'()*+,;"

// Quote %XX-escapes every byte of s outside the always-safe set and
// safe, as Werkzeug's url_quote.
func Quote(s, safe string) string {
	return quote(s, safe, "")
}

func quote(s, safe, unsafe string) string {
	keep := func(c byte) bool {
		return (strings.IndexByte(alwaysSafe, c) >= 0 || strings.IndexByte(safe, c) >= 0) &&
			strings.IndexByte(unsafe, c) < 0
	}
	i := 0
	for i < len(s) && keep(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	const hexUpper = "0123456789ABCDEF"
	b := append(make([]byte, 0, len(s)+8), s[:i]...)
	for ; i < len(s); i++ {
		if c := s[i]; keep(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hexUpper[c>>4], hexUpper[c&15])
		}
	}
	return string(b)
}

// quotePlus escapes a query string's key or value: a space becomes '+'
// and '+' itself is escaped.
func quotePlus(s string) string {
	return strings.ReplaceAll(quote(s, " ", "+"), " ", "+")
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
