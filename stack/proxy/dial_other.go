//go:build !unix

package proxy

import "net"

// dialer is what the upstream dials share: nothing here.
type dialer struct{}

func newDialer() (dialer, error) { return dialer{}, nil }

func (dialer) close() {}

// dialTarget is an upstream server's address, made ready to dial.
type dialTarget struct{ addr string }

// newDialTarget readies addr, host:port, for dialing.
func newDialTarget(addr string) *dialTarget { return &dialTarget{addr: addr} }

// dial connects to the server by d's deadline, or until the server
// closes, through net's Dialer.
func (t *dialTarget) dial(d dialContext) (net.Conn, error) { return dialByName(&d, t.addr) }
