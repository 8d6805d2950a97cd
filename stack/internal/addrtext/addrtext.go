// Package addrtext writes network addresses as package net writes them,
// without the allocations net.TCPAddr's and net.IP's String methods take:
// the tap names both ends of every connection it records, and a pre-fork
// worker writes its client's address into every request's environ.
package addrtext

import (
	"net"
	"net/netip"
)

// Append appends a.String() to b, or nothing when a is nil. A TCP
// address without a zone costs no allocation: net.IP writes an
// IPv4-mapped address as IPv4, and so does an unmapped netip.Addr.
func Append(b []byte, a net.Addr) []byte {
	if ta, ok := a.(*net.TCPAddr); ok && ta != nil && ta.Zone == "" && ta.Port >= 0 && ta.Port <= 0xffff {
		if ip, ok := netip.AddrFromSlice(ta.IP); ok {
			return netip.AddrPortFrom(ip.Unmap(), uint16(ta.Port)).AppendTo(b)
		}
	}
	if a == nil {
		return b
	}
	return append(b, a.String()...)
}

// AppendIP appends ip.String() to b, without an allocation for an
// address of 4 or 16 bytes.
func AppendIP(b []byte, ip net.IP) []byte {
	if addr, ok := netip.AddrFromSlice(ip); ok {
		return addr.Unmap().AppendTo(b)
	}
	return append(b, ip.String()...)
}

// String returns a.String(), or "" when a is nil, in one allocation for
// a TCP address without a zone, where net.TCPAddr's String takes three.
func String(a net.Addr) string {
	var buf [64]byte // room for an IPv6 address and its port
	return string(Append(buf[:0], a))
}
