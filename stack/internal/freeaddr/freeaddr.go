// Package freeaddr finds a loopback address for a program that binds its
// own socket: the real programs the lab starts behind its relays, and
// nginx and gunicorn in the benchmarks.
//
// The port is free when it is found, not when the program binds it:
// another process may take it in between, and the caller must say so
// clearly (stack/real retries). Tests hand a program an open socket
// instead (stack/internal/porttest).
package freeaddr

import "net"

// Loopback returns a 127.0.0.1 address whose port was free a moment ago.
func Loopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
