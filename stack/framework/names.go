package framework

import (
	"reflect"
	"runtime"
	"strings"
	"unicode"
)

// anonymous reports whether name is one Go gives a function literal:
// func1, func12.
func anonymous(name string) bool {
	digits, ok := strings.CutPrefix(name, "func")
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// funcName returns the name of the function f, in snake_case, or "" for a
// function literal.
func funcName(f any) string {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() {
		return ""
	}
	fn := runtime.FuncForPC(v.Pointer())
	if fn == nil {
		return ""
	}
	name := strings.TrimSuffix(fn.Name(), "-fm")
	name = name[strings.LastIndexByte(name, '.')+1:]
	if anonymous(name) {
		return ""
	}
	return snakeCase(name)
}

// hookName names a hook after its function, or after what it is when it
// is a function literal.
func hookName(f any, kind string) string {
	if n := funcName(f); n != "" {
		return n
	}
	return kind
}

// snakeCase writes a Go name as a Python one: helloName as hello_name,
// asJSON as as_json.
func snakeCase(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) {
			prevLower := i > 0 && (unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1]))
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if i > 0 && (prevLower || nextLower && unicode.IsUpper(r[i-1])) {
				b.WriteByte('_')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}
