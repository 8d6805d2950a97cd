package toolkit

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Converter turns one variable part of a URL into a value and back, as
// Werkzeug's converters do for <int:id> or <path:rest>.
type Converter interface {
	// Regexp is what the part must match, such as `\d+`.
	Regexp() string
	// Weight orders converters when several could match the same part:
	// the lower first (int 50, the default string 100, path 200).
	Weight() int
	// PartIsolating is false for a converter that may match slashes,
	// like path: the rest of the URL is then matched as one part.
	PartIsolating() bool
	// ToValue converts the matched text; an error means the rule does
	// not match after all (a 404).
	ToValue(s string) (any, error)
	// ToURL writes a value for a URL being built.
	ToURL(v any) (string, error)
}

// ConverterFactory makes a converter from the arguments written after
// its name in a rule: <int(min=1, max=9):n> gives the keyword arguments
// min and max; <any(a, b):x> gives the positional ones a and b.
type ConverterFactory func(args []string, kwargs map[string]string) (Converter, error)

// errValidation is a converter's refusal: the part looked right but its
// value is not.
var errValidation = errors.New("toolkit: the value does not fit the converter")

// DefaultConverters are Werkzeug's: default and string (one path segment),
// any, path, int, float and uuid.
var DefaultConverters = map[string]ConverterFactory{
	"default": newStringConverter,
	"string":  newStringConverter,
	"any":     newAnyConverter,
	"path":    func([]string, map[string]string) (Converter, error) { return pathConverter{}, nil },
	"int":     newIntConverter,
	"float":   newFloatConverter,
	"uuid":    func([]string, map[string]string) (Converter, error) { return uuidConverter{}, nil },
}

// baseURL writes a value as Werkzeug's BaseConverter.to_url does: its
// text, %XX-escaped except for the always-safe characters, '/' and ':'.
func baseURL(v any) string { return Quote(fmt.Sprint(v), "/:") }

// stringConverter is one path segment: [^/]+, or a length range.
type stringConverter struct{ re string }

func newStringConverter(args []string, kw map[string]string) (Converter, error) {
	minLen, maxLen, length := "1", "", ""
	if len(args) > 0 {
		minLen = args[0]
	}
	if len(args) > 1 {
		maxLen = args[1]
	}
	if len(args) > 2 {
		length = args[2]
	}
	for k, v := range kw {
		switch k {
		case "minlength":
			minLen = v
		case "maxlength":
			maxLen = v
		case "length":
			length = v
		default:
			return nil, fmt.Errorf("string converter takes minlength, maxlength and length, not %q", k)
		}
	}
	for _, n := range []string{minLen, maxLen, length} {
		if _, err := strconv.Atoi(n); n != "" && err != nil {
			return nil, fmt.Errorf("string converter wants whole numbers, not %q", n)
		}
	}
	if length != "" {
		return stringConverter{re: "[^/]{" + length + "}"}, nil
	}
	return stringConverter{re: "[^/]{" + minLen + "," + maxLen + "}"}, nil
}

func (c stringConverter) Regexp() string              { return c.re }
func (stringConverter) Weight() int                   { return 100 }
func (stringConverter) PartIsolating() bool           { return true }
func (stringConverter) ToValue(s string) (any, error) { return s, nil }
func (stringConverter) ToURL(v any) (string, error)   { return baseURL(v), nil }

// pathConverter is the rest of the URL, slashes included.
type pathConverter struct{}

func (pathConverter) Regexp() string                { return "[^/].*?" }
func (pathConverter) Weight() int                   { return 200 }
func (pathConverter) PartIsolating() bool           { return false }
func (pathConverter) ToValue(s string) (any, error) { return s, nil }
func (pathConverter) ToURL(v any) (string, error)   { return baseURL(v), nil }

// anyConverter is one of a fixed set of words.
type anyConverter struct{ items []string }

func newAnyConverter(args []string, kw map[string]string) (Converter, error) {
	if len(kw) > 0 || len(args) == 0 {
		return nil, errors.New("any converter takes the words it matches, such as any(red, blue)")
	}
	return anyConverter{items: args}, nil
}

func (c anyConverter) Regexp() string {
	q := make([]string, len(c.items))
	for i, it := range c.items {
		q[i] = regexp.QuoteMeta(it)
	}
	return "(?:" + strings.Join(q, "|") + ")"
}
func (anyConverter) Weight() int                   { return 100 }
func (anyConverter) PartIsolating() bool           { return true }
func (anyConverter) ToValue(s string) (any, error) { return s, nil }
func (c anyConverter) ToURL(v any) (string, error) {
	s := fmt.Sprint(v)
	for _, it := range c.items {
		if it == s {
			return s, nil
		}
	}
	sorted := append([]string(nil), c.items...)
	sort.Strings(sorted)
	return "", fmt.Errorf("'%s' is not one of '%s'", s, strings.Join(sorted, "', '"))
}

// numberConverter is int or float, with Werkzeug's fixed_digits, min,
// max and signed.
type numberConverter struct {
	float       bool
	fixedDigits int
	min, max    *float64
	signed      bool
}

func newIntConverter(args []string, kw map[string]string) (Converter, error) {
	return newNumberConverter(false, args, kw)
}

func newFloatConverter(args []string, kw map[string]string) (Converter, error) {
	return newNumberConverter(true, args, kw)
}

func newNumberConverter(float bool, args []string, kw map[string]string) (Converter, error) {
	c := numberConverter{float: float}
	names := []string{"fixed_digits", "min", "max", "signed"}
	if float {
		names = names[1:]
	}
	vals := map[string]string{}
	for i, a := range args {
		if i >= len(names) {
			return nil, errors.New("too many arguments for a number converter")
		}
		vals[names[i]] = a
	}
	for k, v := range kw {
		vals[k] = v
	}
	for k, v := range vals {
		switch k {
		case "fixed_digits":
			n, err := strconv.Atoi(v)
			if err != nil || float {
				return nil, fmt.Errorf("fixed_digits wants a whole number, not %q", v)
			}
			c.fixedDigits = n
		case "min", "max":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("%s wants a number, not %q", k, v)
			}
			if k == "min" {
				c.min = &f
			} else {
				c.max = &f
			}
		case "signed":
			c.signed = v == "True"
		default:
			return nil, fmt.Errorf("a number converter takes %s, not %q", strings.Join(names, ", "), k)
		}
	}
	return c, nil
}

// Regexp is Werkzeug's \d+, or \d+\.\d+: in Python a \d is any Unicode
// decimal digit, as \p{Nd} is in Go.
func (c numberConverter) Regexp() string {
	re := `\p{Nd}+`
	if c.float {
		re = `\p{Nd}+\.\p{Nd}+`
	}
	if c.signed {
		re = "-?" + re
	}
	return re
}

func (numberConverter) Weight() int         { return 50 }
func (numberConverter) PartIsolating() bool { return true }

// ToValue converts as Python's int() and float() do: any Unicode decimal
// digits, and an int of any size. An int that fits in an int is an int,
// a larger one a *big.Int.
func (c numberConverter) ToValue(s string) (any, error) {
	if c.fixedDigits > 0 && utf8.RuneCountInString(s) != c.fixedDigits {
		return nil, errValidation
	}
	s = asciiDigits(s)
	var f *big.Float
	var v any
	if c.float {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, errValidation
		}
		f, v = big.NewFloat(x), x
	} else {
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return nil, errValidation
		}
		f, v = new(big.Float).SetInt(n), n
		if n.IsInt64() && n.Int64() == int64(int(n.Int64())) {
			v = int(n.Int64())
		}
	}
	if c.min != nil && f.Cmp(big.NewFloat(*c.min)) < 0 || c.max != nil && f.Cmp(big.NewFloat(*c.max)) > 0 {
		return nil, errValidation
	}
	return v, nil
}

// asciiDigits writes the Unicode decimal digits of s as ASCII ones.
// Unicode assigns each set of decimal digits to ten code points in a row,
// zero first, and sets may follow one another: a digit's value is how far
// it is from the start of its run of digits, modulo ten.
func asciiDigits(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r > '9' && unicode.IsDigit(r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r > '9' && unicode.IsDigit(r) {
			start := r
			for unicode.IsDigit(start - 1) {
				start--
			}
			r = '0' + (r-start)%10
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (c numberConverter) ToURL(v any) (string, error) {
	var s string
	switch n := v.(type) {
	case int:
		s = strconv.Itoa(n)
		if c.float {
			s = ReprFloat(float64(n))
		}
	case *big.Int:
		s = n.String()
		if c.float {
			f, _ := new(big.Float).SetInt(n).Float64()
			s = ReprFloat(f)
		}
	case float64:
		if c.float {
			s = ReprFloat(n)
		} else {
			s = strconv.Itoa(int(math.Trunc(n)))
		}
	case string:
		if c.float {
			f, err := strconv.ParseFloat(asciiDigits(strings.TrimSpace(n)), 64)
			if err != nil {
				return "", fmt.Errorf("could not convert string to float: %s", Repr(n))
			}
			s = ReprFloat(f)
		} else {
			i, ok := new(big.Int).SetString(asciiDigits(strings.TrimSpace(n)), 10)
			if !ok {
				return "", fmt.Errorf("invalid literal for int() with base 10: %s", Repr(n))
			}
			s = i.String()
		}
	default:
		return "", fmt.Errorf("a number converter cannot build a URL from %T", v)
	}
	if c.fixedDigits > 0 && len(s) < c.fixedDigits {
		s = strings.Repeat("0", c.fixedDigits-len(s)) + s
	}
	return s, nil
}

// uuidConverter is a UUID, its hex digits in either case.
type uuidConverter struct{}

// UUID is a value the uuid converter made: its canonical lower-case text.
type UUID string

// String writes u as Python's repr of a uuid.UUID.
func (u UUID) String() string { return "UUID('" + string(u) + "')" }

func (uuidConverter) Regexp() string {
	return `[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}`
}
func (uuidConverter) Weight() int                   { return 100 }
func (uuidConverter) PartIsolating() bool           { return true }
func (uuidConverter) ToValue(s string) (any, error) { return UUID(strings.ToLower(s)), nil }
func (uuidConverter) ToURL(v any) (string, error) {
	if u, ok := v.(UUID); ok {
		return string(u), nil
	}
	return fmt.Sprint(v), nil
}
