package proxy

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// TestDialPeer dials a listener of its own: an IP and port connects, a
// closed server context stops the dial, and a connect deadline already
// past ends it as a timeout.
func TestDialPeer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()

	c, err := dialPeer(context.Background(), addr, time.Minute)
	if err != nil {
		t.Fatalf("dialing %s: %v", addr, err)
	}
	if got := c.RemoteAddr().String(); got != addr {
		t.Errorf("connected to %s, want %s", got, addr)
	}
	c.Close()

	closed, cancel := context.WithCancel(context.Background())
	cancel()
	if c, err := dialPeer(closed, addr, time.Minute); !errors.Is(err, context.Canceled) {
		if c != nil {
			c.Close()
		}
		t.Errorf("dialing with the server closed: %v, want context.Canceled", err)
	}

	c, err = dialPeer(context.Background(), addr, -time.Second)
	if err == nil {
		c.Close()
	}
	if !isTimeout(err) {
		t.Errorf("dialing past the connect deadline: %v, want a timeout", err)
	}
}
