package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"
)

// dialConn returns a client connection of a server of its own, as far as
// a dial needs one, and the function that closes the server's context.
func dialConn(t testing.TB) (*conn, context.CancelFunc) {
	t.Helper()
	s := &Server{rt: &runtime{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	var err error
	if s.rt.dialer, err = newDialer(); err != nil {
		t.Fatal(err)
	}
	client, peer := net.Pipe()
	t.Cleanup(func() {
		s.cancel()
		client.Close()
		peer.Close()
		s.rt.dialer.close()
	})
	return &conn{srv: s, rt: s.rt, nc: client}, s.cancel
}

// TestDial dials a listener of its own under a connection's dial
// context, by its IP and port and by name: each connects, with the
// addresses the tap links connections by, a closed server stops the
// dial, and a connect deadline already past ends it as a timeout. A
// port nobody listens on is refused, in the words nginx logs.
func TestDial(t *testing.T) {
	t.Parallel()
	for _, byName := range []bool{false, true} {
		t.Run(fmt.Sprint("by name ", byName), func(t *testing.T) {
			t.Parallel()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			addr := ln.Addr().String()
			target := addr
			if byName {
				_, port, _ := net.SplitHostPort(addr)
				target = "localhost:" + port
			}
			c, closeServer := dialConn(t)
			dt := newDialTarget(target)
			up, err := dt.dial(dialContext{c: c, deadline: time.Now().Add(time.Minute)})
			if err != nil {
				t.Fatalf("dialing %s: %v", target, err)
			}
			defer up.Close()
			up.SetDeadline(time.Now().Add(time.Minute))
			peer, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := up.RemoteAddr().String(), addr; got != want {
				t.Errorf("connected to %s, want %s", got, want)
			}
			if got, want := up.LocalAddr().String(), peer.RemoteAddr().String(); got != want {
				t.Errorf("connected from %s, the server saw %s", got, want)
			}
			if _, err := up.Write([]byte("ping")); err != nil {
				t.Errorf("writing: %v", err)
			}
			peer.SetDeadline(time.Now().Add(time.Minute))
			if _, err := io.ReadFull(peer, make([]byte, 4)); err != nil {
				t.Errorf("the server reading: %v", err)
			}
			peer.Close()
			if _, err := up.Read(make([]byte, 1)); err != io.EOF {
				t.Errorf("reading what the server closed: %v, want EOF", err)
			}
			up.Close()
			if _, err := up.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
				t.Errorf("reading a closed connection: %v, want net.ErrClosed", err)
			}
			if c.dialHook != nil {
				t.Error("the dial left its hook on the connection")
			}

			up, err = dt.dial(dialContext{c: c, deadline: time.Now().Add(-time.Second)})
			if err == nil {
				up.Close()
			}
			if !isTimeout(err) {
				t.Errorf("dialing past the connect deadline: %v, want a timeout", err)
			}

			closeServer()
			if up, err := dt.dial(dialContext{c: c, deadline: time.Now().Add(time.Minute)}); !errors.Is(err, context.Canceled) {
				if up != nil {
					up.Close()
				}
				t.Errorf("dialing with the server closed: %v, want context.Canceled", err)
			}
		})
	}

	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := free.Addr().String()
	free.Close()
	c, _ := dialConn(t)
	up, err := newDialTarget(refused).dial(dialContext{c: c, deadline: time.Now().Add(time.Minute)})
	if err == nil {
		up.Close()
		t.Fatalf("dialing %s, where nobody listens, connected", refused)
	}
	if got, want := connectFailure(err).msg, "connect() failed (111: Connection refused) while connecting to upstream"; got != want {
		t.Errorf("refused: %q, want %q", got, want)
	}
}

// TestDialContextAfterFunc checks the promise context.AfterFunc makes,
// which a dial relies on to stop a connect in progress: the function
// runs once the server's context ends (Close ends it, then aborts the
// connection), at once when it had ended, and never while it has not;
// stop keeps it from running only before.
func TestDialContextAfterFunc(t *testing.T) {
	t.Parallel()
	ran := func(runs <-chan struct{}, within time.Duration) bool {
		select {
		case <-runs:
			return true
		case <-time.After(within):
			return false
		}
	}
	for _, tc := range []struct {
		name      string
		abort     bool // the connection is aborted while the dial waits
		open      bool // ... with the server's context not ended
		closed    bool // the server closed before the dial hung its function on
		stopFirst bool // the dial ends and stops the function first
		wantRun   bool
	}{
		{name: "server closed", abort: true, wantRun: true},
		{name: "server closed before", closed: true, wantRun: true},
		{name: "stopped, then server closed", abort: true, stopFirst: true},
		{name: "dial ended", stopFirst: true},
		{name: "connection aborted, server open", abort: true, open: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, closeServer := dialConn(t)
			if tc.closed {
				closeServer()
			}
			runs := make(chan struct{}, 2)
			stop := context.AfterFunc(&dialContext{c: c, deadline: time.Now().Add(time.Minute)}, func() { runs <- struct{}{} })
			stopped := false
			if tc.stopFirst {
				stopped = stop()
			}
			if tc.abort {
				if !tc.open {
					closeServer() // as Close does, before it aborts every connection
				}
				c.abort()
			}
			got := ran(runs, time.Second)
			if got != tc.wantRun {
				t.Fatalf("the function ran: %v, want %v", got, tc.wantRun)
			}
			if !tc.stopFirst {
				stopped = stop()
			}
			if stopped == tc.wantRun {
				t.Errorf("stop reported %v with the function run: %v", stopped, got)
			}
			if ran(runs, 50*time.Millisecond) {
				t.Error("the function ran twice")
			}
		})
	}
}

// BenchmarkDial dials a listener of its own and closes the connection,
// through net's Dialer and through a dialTarget, which takes a leaner
// route to an IP and a port where the system has one. Its allocations
// tell the routes apart; its time per dial is mostly the kernel's, and
// grows with the connections each run leaves in TIME_WAIT, so compare
// runs of one route at a time, or the CPU per request of the whole
// stack (stack/prefork/bench/fullstack -wrk).
func BenchmarkDial(b *testing.B) {
	addr := closingListener(b)
	c, _ := dialConn(b)
	dt := newDialTarget(addr)
	for _, bc := range []struct {
		name string
		dial func(d dialContext) (net.Conn, error)
	}{
		{"net.Dialer", func(d dialContext) (net.Conn, error) { return dialByName(&d, addr) }},
		{"dialTarget", dt.dial},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				up, err := bc.dial(dialContext{c: c, deadline: time.Now().Add(time.Minute)})
				if err != nil {
					b.Fatal(err)
				}
				up.Close()
			}
		})
	}
}

// closingListener listens on a port of its own until tb ends, closing
// each connection it accepts, and returns its address.
func closingListener(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}
