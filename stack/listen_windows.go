package stack

import (
	"context"
	"errors"
	"net"
	"time"

	"golang.org/x/sys/windows"
)

// addrInUse reports whether a failed listen says the port is taken:
// Winsock's WSAEADDRINUSE (10048).
func addrInUse(err error) bool {
	return errors.Is(err, windows.WSAEADDRINUSE)
}

// heldElsewhere reports whether another program already answers on
// addr's port, by connecting to it (on loopback, for a wildcard address)
// and hanging up at once.
//
// Go binds Windows listeners without SO_REUSEADDR, so an exact address
// that is taken fails with WSAEADDRINUSE, as on Unix. But Windows, unlike
// Unix, lets a socket bind 127.0.0.1:8000 while another program listens
// on 0.0.0.0:8000 (and the other way round), and hands the loopback
// connections to the more specific one: the lab would start and quietly
// take over another program's traffic, or lose its own. SO_EXCLUSIVEADDRUSE
// would refuse such a bind, but also a layer's restart on its port while
// the connections it closed linger, and binding the wildcard address to
// find out would raise the firewall's prompt; a connection asks without
// either. A port nothing listens on answers within microseconds on
// loopback with a reset, which Windows retries for a second or two, so
// the question waits a short while only.
func heldElsewhere(ctx context.Context, addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	if err != nil || ip == nil || port == "0" {
		return false
	}
	switch {
	case ip.IsUnspecified() && ip.To4() != nil:
		ip = net.IPv4(127, 0, 0, 1)
	case ip.IsUnspecified():
		ip = net.IPv6loopback
	}
	d := net.Dialer{Timeout: 50 * time.Millisecond}
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(ip.String(), port))
	if err != nil {
		return false
	}
	c.Close()
	return true
}
