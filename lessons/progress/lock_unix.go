//go:build linux || darwin

package progress

import (
	"os"
	"syscall"
)

// lockFile waits for an exclusive lock on f, which ends when f closes.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
}
