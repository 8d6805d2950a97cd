package framework

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
)

// DumpJSON writes v as Flask 2.2's JSON provider does: compact (no spaces
// after , and :), keys sorted, every character outside ASCII as a \u
// escape (ensure_ascii), floats as Python writes them (3.0, not 3), and
// NaN and Infinity as Python's json allows them. It takes maps with
// string keys, slices, strings, numbers, bools, nil and toolkit.Args;
// anything else is a *TypeError, as Python's "is not JSON serializable".
func DumpJSON(v any) (string, error) {
	var b strings.Builder
	if err := writeJSON(&b, reflect.ValueOf(v)); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeJSON(b *strings.Builder, v reflect.Value) error {
	if !v.IsValid() {
		b.WriteString("null")
		return nil
	}
	if args, ok := v.Interface().(toolkit.Args); ok {
		m := make(map[string]any, len(args))
		for _, a := range args {
			m[a.Name] = a.Value
		}
		return writeJSON(b, reflect.ValueOf(m))
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return writeJSON(b, v.Elem())
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(jsonFloat(v.Float()))
	case reflect.String:
		b.WriteString(quoteJSON(v.String()))
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return notSerializable("bytes")
		}
		b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, v.Index(i)); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return notSerializable("dict with keys of type " + v.Type().Key().String())
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quoteJSON(k.String()))
			b.WriteByte(':')
			if err := writeJSON(b, v.MapIndex(k)); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return notSerializable(v.Type().String())
	}
	return nil
}

func notSerializable(typ string) error {
	return &TypeError{fmt.Sprintf("Object of type %s is not JSON serializable", typ)}
}

func jsonFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return toolkit.ReprFloat(f)
}

// quoteJSON quotes s as Python's json.dumps with ensure_ascii: the short
// escapes, \u00XX for other control characters, and \uXXXX (a surrogate
// pair above U+FFFF) for everything beyond ASCII.
func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r >= 0x7f && r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r >= 0x10000:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// reprJSONish writes a map or a slice of any kind as Python's repr of a
// dict or a list, the keys sorted; it refuses other values.
func reprJSONish(v any) (string, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		keys := rv.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = toolkit.Repr(k.String()) + ": " + repr(rv.MapIndex(k).Interface())
		}
		return "{" + strings.Join(parts, ", ") + "}", nil
	case reflect.Slice, reflect.Array:
		if _, isBytes := v.([]byte); isBytes {
			break
		}
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = repr(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	return "", fmt.Errorf("not a container")
}
