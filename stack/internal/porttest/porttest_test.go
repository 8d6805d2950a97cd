package porttest

import (
	"net"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
)

// TestRefusedRefusesAndCannotBeTaken: a connection to the address is
// refused, and a listener cannot take its port while the test runs.
func TestRefusedRefusesAndCannotBeTaken(t *testing.T) {
	t.Parallel()
	addr := Refused(t)
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		c.Close()
		t.Fatalf("a connection to %s was accepted", addr)
	} else if !errno.Is(err, errno.ECONNREFUSED) {
		t.Errorf("dialing %s: %v, want connection refused", addr, err)
	}
	if ln, err := net.Listen("tcp", addr); err == nil {
		ln.Close()
		t.Errorf("a listener took %s", addr)
	}
}

// TestListenerIsHandedOver: a program given the file accepts on the
// address, after the test's own copy of the socket is closed.
func TestListenerIsHandedOver(t *testing.T) {
	t.Parallel()
	f, addr := Listener(t)
	ln, err := net.FileListener(f)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Write([]byte("hi"))
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b := make([]byte, 2)
	if _, err := c.Read(b); err != nil || string(b) != "hi" {
		t.Errorf("read %q, %v; want hi", b, err)
	}
}
