//go:build linux || darwin

package proctest

import (
	"errors"
	"fmt"
	"os"
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

// OpenFiles returns how many files this process holds open, read from
// /dev/fd, which Linux and macOS both have. The count includes the one
// that reading the directory opens; callers compare two counts.
func OpenFiles() (int, error) {
	fds, err := os.ReadDir("/dev/fd")
	if err != nil {
		return 0, fmt.Errorf("proctest: count open files: %w", err)
	}
	return len(fds), nil
}
