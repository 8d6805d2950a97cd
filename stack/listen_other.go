//go:build !windows

package stack

import (
	"context"
	"errors"
	"syscall"
)

// addrInUse reports whether a failed listen says the port is taken.
func addrInUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE)
}

// heldElsewhere reports whether another program holds addr's port on
// another address of the machine. On Unix, binding fails by itself then
// (EADDRINUSE for 127.0.0.1:8000 while 0.0.0.0:8000 listens, and the
// other way round), so there is nothing to ask first.
func heldElsewhere(context.Context, string) bool { return false }
