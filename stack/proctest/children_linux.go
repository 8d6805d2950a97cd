package proctest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Children returns the processes whose parent is pid, from the parent
// field of each /proc/PID/stat.
func Children(pid int) ([]int, error) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil || len(stats) == 0 {
		return nil, fmt.Errorf("proctest: no /proc to list processes: %v", err)
	}
	var out []int
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // ended meanwhile
		}
		// After the name in parentheses: the state, then the parent.
		i := strings.LastIndex(string(b), ") ")
		if i < 0 {
			continue
		}
		if f := strings.Fields(string(b[i+2:])); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			out = append(out, child)
		}
	}
	return out, nil
}
