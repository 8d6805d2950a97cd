package proxy

import "net"

// waitReadable returns at once on Windows, where the lab does not peek
// without reading: the connection then waits for its request holding its
// buffer.
func waitReadable(net.Conn) error { return nil }

// pendingInput cannot tell on Windows; the connection is closed at once.
func pendingInput(net.Conn) bool { return false }
