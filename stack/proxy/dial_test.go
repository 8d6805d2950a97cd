package proxy

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// dialConn returns a client connection of a server of its own, as far as
// a dial needs one, and the function that closes the server's context.
func dialConn(t *testing.T) (*conn, context.CancelFunc) {
	t.Helper()
	s := &Server{}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	client, peer := net.Pipe()
	t.Cleanup(func() {
		s.cancel()
		client.Close()
		peer.Close()
	})
	return &conn{srv: s, nc: client}, s.cancel
}

// TestDialPeer dials a listener of its own under a connection's dial
// context: an IP and port connects, a closed server stops the dial, and
// a connect deadline already past ends it as a timeout.
func TestDialPeer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	c, closeServer := dialConn(t)

	up, err := dialPeer(&dialContext{c: c, deadline: time.Now().Add(time.Minute)}, addr)
	if err != nil {
		t.Fatalf("dialing %s: %v", addr, err)
	}
	if got := up.RemoteAddr().String(); got != addr {
		t.Errorf("connected to %s, want %s", got, addr)
	}
	up.Close()
	if c.dialHook != nil {
		t.Error("the dial left its hook on the connection")
	}

	up, err = dialPeer(&dialContext{c: c, deadline: time.Now().Add(-time.Second)}, addr)
	if err == nil {
		up.Close()
	}
	if !isTimeout(err) {
		t.Errorf("dialing past the connect deadline: %v, want a timeout", err)
	}

	closeServer()
	if up, err := dialPeer(&dialContext{c: c, deadline: time.Now().Add(time.Minute)}, addr); !errors.Is(err, context.Canceled) {
		if up != nil {
			up.Close()
		}
		t.Errorf("dialing with the server closed: %v, want context.Canceled", err)
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
