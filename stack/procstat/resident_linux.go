package procstat

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ResidentMB returns this process's resident set size in megabytes
// (MiB), read from /proc/self/status.
func ResidentMB() (float64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("procstat: resident set size: %w", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.Atoi(f[1])
			if err != nil {
				return 0, fmt.Errorf("procstat: resident set size: %w", err)
			}
			return float64(kb) / 1024, nil
		}
	}
	return 0, errors.New("procstat: resident set size: no VmRSS in /proc/self/status")
}
