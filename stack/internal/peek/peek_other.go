//go:build !unix

package peek

import "net"

// Pending cannot tell here, and says no.
func Pending(net.Conn) bool { return false }

// Readable returns at once here: the caller reads, and waits in its read.
func Readable(net.Conn) error { return nil }
