//go:build unix && !linux

package rawsock

import "errors"

// Waiter would wait for the sockets of direct Conns on a poller of its
// own, as it does on Linux (waiter_linux.go); here there is none, and a
// Conn with a nil Waiter waits on Go's poller as an os.File of its own.
type Waiter struct{}

// NewWaiter returns nil here: no Waiter, and no error.
func NewWaiter() (*Waiter, error) { return nil, nil }

// Close does nothing: there is no Waiter here.
func (w *Waiter) Close() error { return nil }

// wait is never called: no Conn has a Waiter or a Poller here.
func (c *Conn) wait(*ioCall) error { return errors.ErrUnsupported }

// interrupt is never called: no Conn has a Waiter here.
func (w *Waiter) interrupt() {}
