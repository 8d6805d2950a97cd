package proxy

import (
	"errors"
	"syscall"
)

// symlinkRefused reports whether err is Windows refusing to make a
// symlink: that takes a privilege only administrators and Developer Mode
// grant (Go's own tests check the same error, in internal/testenv).
func symlinkRefused(err error) bool {
	return errors.Is(err, syscall.ERROR_PRIVILEGE_NOT_HELD)
}
