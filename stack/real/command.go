package real

import (
	"os"
	"strings"
)

// command says how to start a program.
type command struct {
	Path string
	Args []string
	Dir  string
	Env  []string // added to the lab's environment
	// Output receives what the program writes on its standard output and
	// standard error; nil throws it away.
	Output *os.File
}

// passed are the variables of the lab's environment a program gets, by
// name or, ending in _, by prefix: where programs and Python are, the
// user and the language. No other: Python's wsgiref copies its whole
// environment into every environ, which the journey shows, on a screen
// others may read.
var passed = []string{"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_", "TZ", "TMPDIR", "PYENV_", "VIRTUAL_ENV"}

// programEnv returns the entries of env a program gets.
func programEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		for _, p := range passed {
			if name == p || strings.HasSuffix(p, "_") && strings.HasPrefix(name, p) {
				out = append(out, kv)
				break
			}
		}
	}
	return out
}
