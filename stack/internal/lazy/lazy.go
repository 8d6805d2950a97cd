// Package lazy makes package-level values when they are first used
// instead of at init: every process the lab starts initialises every
// package it links, and most of them never use most such values.
package lazy

import (
	"regexp"
	"sync"
)

// Regexp returns a function that compiles expr the first time it is
// called and returns the same *regexp.Regexp every time. It panics then,
// as regexp.MustCompile does, when expr does not compile.
func Regexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
