//go:build linux || darwin

package procstat

import (
	"errors"
	"syscall"
)

// Running reports whether pid exists and is not a zombie. A process this
// one may not signal (EPERM) exists all the same.
func Running(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	return !zombie(pid)
}
