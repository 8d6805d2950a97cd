//go:build !linux

package proxy

import "net"

// waitReadable returns at once where the lab cannot peek without reading:
// the connection then waits for its request holding its buffer.
func waitReadable(net.Conn) error { return nil }

// pendingInput cannot tell here; the connection is closed at once.
func pendingInput(net.Conn) bool { return false }
