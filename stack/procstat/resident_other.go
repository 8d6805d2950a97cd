//go:build !linux

package procstat

import "errors"

// ResidentMB cannot read the resident set size outside Linux: macOS gives
// the current one only through Mach's task_info, which needs cgo, and
// getrusage's peak is another measure.
func ResidentMB() (float64, error) {
	return 0, errors.New("procstat: the resident set size is read from Linux's /proc only")
}
