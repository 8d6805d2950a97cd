package trace

import (
	"net"
	"testing"
)

func tcp(ip string, port int) *net.TCPAddr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: port} }

func TestCoverage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		covered []net.Addr
		remote  net.Addr
		want    bool
	}{
		{"nothing covered", nil, tcp("127.0.0.1", 8000), false},
		{"the same address", []net.Addr{tcp("127.0.0.1", 8000)}, tcp("127.0.0.1", 8000), true},
		{"IPv4-mapped", []net.Addr{tcp("127.0.0.1", 8000)}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1).To16(), Port: 8000}, true},
		{"another port", []net.Addr{tcp("127.0.0.1", 8000)}, tcp("127.0.0.1", 8001), false},
		{"another loopback address", []net.Addr{tcp("127.0.0.1", 8000)}, tcp("127.0.0.2", 8000), false},
		{"the IPv4 wildcard takes IPv4 loopback", []net.Addr{tcp("0.0.0.0", 8000)}, tcp("127.0.0.2", 8000), true},
		{"the IPv4 wildcard does not take IPv6", []net.Addr{tcp("0.0.0.0", 8000)}, tcp("::1", 8000), false},
		{"the IPv6 wildcard takes IPv6 loopback", []net.Addr{tcp("::", 8000)}, tcp("::1", 8000), true},
		{"the IPv6 wildcard is not sure to take IPv4", []net.Addr{tcp("::", 8000)}, tcp("127.0.0.1", 8000), false},
		{"the wildcard does not take another machine", []net.Addr{tcp("0.0.0.0", 8000)}, tcp("192.0.2.7", 8000), false},
		{"a Unix socket is never covered", []net.Addr{&net.UnixAddr{Name: "/tmp/lab.sock", Net: "unix"}}, &net.UnixAddr{Name: "/tmp/lab.sock", Net: "unix"}, false},
		{"no address", []net.Addr{nil}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c coverage
			for _, a := range tc.covered {
				c.add(a)
			}
			if got := c.covers(tc.remote); got != tc.want {
				t.Errorf("covers(%v) with %v covered = %v, want %v", tc.remote, tc.covered, got, tc.want)
			}
		})
	}
}

// TestCoverageCountsItsListeners covers one address twice: it stays
// covered until both are released, and a release called twice counts
// once.
func TestCoverageCountsItsListeners(t *testing.T) {
	t.Parallel()
	var c coverage
	a := tcp("127.0.0.1", 8000)
	first, second := c.add(a), c.add(a)
	first()
	first()
	if !c.covers(a) {
		t.Fatal("released once, twice over: no longer covered, though a second listener covers it")
	}
	second()
	if c.covers(a) {
		t.Fatal("both released: still covered")
	}
}

// TestTapDialedLeavesACoveredEndUntapped dials a listener tapped into the
// same Recorder, and one that is not: only the dialed end of the second
// is tapped, and once the first listener closes, its address is not
// covered any more (a program outside the lab may listen there next).
func TestTapDialedLeavesACoveredEndUntapped(t *testing.T) {
	t.Parallel()
	rec := NewRecorder(0, 0)
	proxy := NewTap(rec, "proxy")
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tapped := NewTap(rec, "app").Listen(raw)
	outside, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer outside.Close()

	dial := func(addr net.Addr) net.Conn {
		c, err := net.Dial("tcp", addr.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return proxy.Dialed(c)
	}
	if _, ok := dial(tapped.Addr()).(*Conn); ok {
		t.Error("the dialed end of a connection to a tapped listener is tapped too")
	}
	if _, ok := dial(outside.Addr()).(*Conn); !ok {
		t.Error("the dialed end of a connection to a listener nobody taps is not tapped")
	}
	if err := tapped.Close(); err != nil {
		t.Fatal(err)
	}
	if rec.cover.covers(tapped.Addr()) {
		t.Error("a closed listener's address is still covered")
	}
	if (*Tap)(nil).Dialed(nil) != nil {
		t.Error("a nil Tap wraps what it is given")
	}
}

// TestTapCoversOnlyForARecorder: a Tap whose sink is not a Recorder (a
// worker's, which sends its events to its master) covers nothing, and
// taps every connection it dials.
func TestTapCoversOnlyForARecorder(t *testing.T) {
	t.Parallel()
	tap := NewTap(sinkFunc(func(Event) {}), "worker")
	release := tap.Cover(tcp("127.0.0.1", 8000))
	defer release()
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	if _, ok := tap.Dialed(remoteConn{c1, tcp("127.0.0.1", 8000)}).(*Conn); !ok {
		t.Error("a Tap that covers nothing left a dialed end untapped")
	}
}

type sinkFunc func(Event)

func (f sinkFunc) Record(e Event) { f(e) }

// remoteConn is a connection that says it is to remote.
type remoteConn struct {
	net.Conn
	remote net.Addr
}

func (c remoteConn) RemoteAddr() net.Addr { return c.remote }
