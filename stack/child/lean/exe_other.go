//go:build !windows

package lean

// exeSuffix ends the name of an executable on this system: nothing.
const exeSuffix = ""
