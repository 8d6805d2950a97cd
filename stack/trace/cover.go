package trace

import (
	"net"
	"net/netip"
	"sync"
)

// coverage is the set of addresses whose accepted connections are tapped
// into one Recorder: a layer dialing one of them need not tap its dialed
// end, whose bytes the accepted end records too (Tap.Dialed). Only TCP
// addresses are covered; a connection to any other is tapped on both
// ends, and the Assembler shows one of them. It is safe for concurrent
// use.
type coverage struct {
	mu    sync.Mutex
	addrs map[netip.AddrPort]int // how many listeners cover each
}

// add covers addr and returns what uncovers it, which may be called more
// than once.
func (c *coverage) add(addr net.Addr) (release func()) {
	ap, ok := addrPort(addr)
	if !ok {
		return func() {}
	}
	c.mu.Lock()
	if c.addrs == nil {
		c.addrs = map[netip.AddrPort]int{}
	}
	c.addrs[ap]++
	c.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			if c.addrs[ap]--; c.addrs[ap] <= 0 {
				delete(c.addrs, ap)
			}
			c.mu.Unlock()
		})
	}
}

// covers reports whether a connection to remote is accepted by a covered
// listener: one on remote itself, or, for a loopback remote, one on the
// wildcard address of its family and the same port, which accepts it too.
func (c *coverage) covers(remote net.Addr) bool {
	ap, ok := addrPort(remote)
	if !ok {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.addrs) == 0 {
		return false
	}
	if c.addrs[ap] > 0 {
		return true
	}
	if !ap.Addr().IsLoopback() {
		return false
	}
	wild := netip.IPv6Unspecified()
	if ap.Addr().Is4() {
		wild = netip.IPv4Unspecified()
	}
	return c.addrs[netip.AddrPortFrom(wild, ap.Port())] > 0
}

// addrPort returns a TCP address as a netip.AddrPort, an IPv4-mapped one
// as IPv4, and false for any other address.
func addrPort(a net.Addr) (netip.AddrPort, bool) {
	ta, ok := a.(*net.TCPAddr)
	if !ok || ta == nil || ta.Zone != "" || ta.Port < 0 || ta.Port > 0xffff {
		return netip.AddrPort{}, false
	}
	ip, ok := netip.AddrFromSlice(ta.IP)
	if !ok {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(ta.Port)), true
}
