//go:build !linux

package tui

import "errors"

// rssMB cannot read the resident set size outside Linux: macOS gives the
// current one only through Mach's task_info, which needs cgo, and
// getrusage's peak is another measure.
func rssMB() (float64, error) {
	return 0, errors.New("resident set size: only read from Linux's /proc")
}
