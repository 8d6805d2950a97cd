package procstat

import (
	"fmt"
	"os"
	"strings"
)

// zombie reports whether pid has exited and waits for its parent, from
// the state letter in /proc/PID/stat. A process gone from /proc counts
// as one: it no longer runs.
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The name in parentheses may hold spaces and parentheses itself: the
	// state follows the last ") ".
	i := strings.LastIndex(string(b), ") ")
	return i < 0 || strings.HasPrefix(string(b[i+2:]), "Z")
}
