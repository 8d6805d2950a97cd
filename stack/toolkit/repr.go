package toolkit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Repr writes a Go value as Python's repr() writes the value it stands
// for, so that the lab shows what Werkzeug and Flask would show: a string
// in quotes ('World'), nil as None, a bool as True or False, a float as
// Python prints it (2.5, 100.0, 1e+16), a []any as a list, a
// map[string]any as a dict, and a fmt.Stringer by its String method.
func Repr(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case string:
		return reprString(v)
	case []byte:
		return "b" + reprString(string(v))
	case bool:
		if v {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return ReprFloat(v)
	case []any:
		return "[" + reprList(v) + "]"
	case []string:
		items := make([]any, len(v))
		for i, s := range v {
			items[i] = s
		}
		return "[" + reprList(items) + "]"
	case map[string]any:
		return reprDict(v)
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

func reprList(items []any) string {
	parts := make([]string, len(items))
	for i, x := range items {
		parts[i] = Repr(x)
	}
	return strings.Join(parts, ", ")
}

// reprDict writes a map with its keys sorted, as the lab has no insertion
// order to keep for a Go map.
func reprDict(m map[string]any) string {
	keys := sortedKeys(m)
	return reprPairs(len(keys), func(i int) (string, any) { return keys[i], m[keys[i]] })
}

// reprPairs writes n keys and values, in their order, as Python writes a
// dict of them: {'id': 42}.
func reprPairs(n int, pair func(i int) (string, any)) string {
	parts := make([]string, n)
	for i := range parts {
		k, v := pair(i)
		parts[i] = reprString(k) + ": " + Repr(v)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// ReprFloat writes f as Python's repr(float) does: the shortest digits
// that read back as f, in plain notation from 1e-4 up to 1e16 (with a .0
// when it is whole), in exponent notation outside.
func ReprFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	exp := 0
	if f != 0 {
		e := strconv.FormatFloat(f, 'e', -1, 64)
		exp, _ = strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	}
	if exp < -4 || exp >= 16 {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// reprString quotes s as Python's repr(str) does: in single quotes, or
// double ones when s has a single quote and no double one, with
// backslash escapes for what is not printable.
func reprString(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	b := make([]byte, 0, len(s)+2)
	b = append(b, q)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// Not UTF-8: Python would hold a surrogate escape here.
			b = fmt.Appendf(b, `\udc%02x`, s[i])
			i++
			continue
		}
		i += size
		switch {
		case r == rune(q) || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r == ' ' || r < utf8.RuneSelf && unicode.IsPrint(r):
			b = append(b, byte(r))
		case unicode.IsPrint(r):
			b = utf8.AppendRune(b, r)
		case r <= 0xff:
			b = fmt.Appendf(b, `\x%02x`, r)
		case r <= 0xffff:
			b = fmt.Appendf(b, `\u%04x`, r)
		default:
			b = fmt.Appendf(b, `\U%08x`, r)
		}
	}
	return string(append(b, q))
}
