package prefork

import (
	"net"
	"net/netip"
)

// appendAddr appends a.String(), as net.TCPAddr writes it but without
// the three allocations its String takes, for a TCP address without a
// zone: net.IP writes an IPv4-mapped address as IPv4, and so does an
// unmapped netip.Addr.
func appendAddr(b []byte, a net.Addr) []byte {
	if ta, ok := a.(*net.TCPAddr); ok && ta != nil && ta.Zone == "" && ta.Port >= 0 && ta.Port <= 0xffff {
		if ip, ok := netip.AddrFromSlice(ta.IP); ok {
			return netip.AddrPortFrom(ip.Unmap(), uint16(ta.Port)).AppendTo(b)
		}
	}
	return append(b, a.String()...)
}

// appendIP appends ip.String(), without its allocation for an address of
// 4 or 16 bytes.
func appendIP(b []byte, ip net.IP) []byte {
	if addr, ok := netip.AddrFromSlice(ip); ok {
		return addr.Unmap().AppendTo(b)
	}
	return append(b, ip.String()...)
}

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
