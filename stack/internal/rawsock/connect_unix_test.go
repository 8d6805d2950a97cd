//go:build unix

package rawsock

import (
	"errors"
	"net"
	"net/netip"
	"syscall"
	"testing"
	"time"
)

// TestConnect connects to a listener of its own in each family, and to a
// port nothing listens on: Connected says when the connect is done, and
// how it failed, and LocalAddr names the end the listener sees.
func TestConnect(t *testing.T) {
	for _, loopback := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(loopback, func(t *testing.T) {
			ln, err := net.Listen("tcp", loopback)
			if err != nil {
				t.Skipf("no such loopback here: %v", err)
			}
			defer ln.Close()
			fd, err := dialFD(t, ln.Addr().String())
			if err != nil {
				t.Fatalf("connecting to %s: %v", ln.Addr(), err)
			}
			peer, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()
			local, err := LocalAddr(fd)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := local.String(), peer.RemoteAddr().String(); got != want {
				t.Errorf("LocalAddr = %s, the listener saw %s", got, want)
			}

			addr := ln.Addr().String()
			ln.Close() // nothing listens there now
			if _, err := dialFD(t, addr); !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("connecting to a closed port: %v, want ECONNREFUSED", err)
			}
		})
	}
}

// dialFD opens a socket, connects it to addr and returns it with how
// the connect ended: at once, or as Connected tells it within a few
// seconds.
func dialFD(t *testing.T, addr string) (int, error) {
	t.Helper()
	to := NewAddr(netip.MustParseAddrPort(addr))
	fd, err := Socket(to.Family())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := Connect(fd, to); err != syscall.EINPROGRESS {
		return fd, err
	}
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if err := Connected(fd); err != ErrConnecting {
			return fd, err
		}
	}
	return fd, ErrConnecting
}
