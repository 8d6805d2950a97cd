package prefork

import "net"

// fixedAddr is an address whose text is made once: the listener's, which
// gives every request's environ SERVER_NAME and SERVER_PORT.
type fixedAddr struct {
	net.Addr
	text string
}

func (a fixedAddr) String() string { return a.text }

// fixAddr returns a as a fixedAddr, or nil when a is.
func fixAddr(a net.Addr) net.Addr {
	if a == nil {
		return nil
	}
	return fixedAddr{Addr: a, text: a.String()}
}
