package trace

import (
	"io"
	"net"
	"testing"
	"time"
)

// TestGateHoldsARealConnection sends a request through a tapped listener
// in hop-by-hop mode: the bytes are recorded at once, the server does not
// see them until the gate lets them through, and a request after the
// answer is held again.
func TestGateHoldsARealConnection(t *testing.T) {
	rec := NewRecorder(0, 0)
	g := NewGate()
	rec.SetGate(g)
	g.SetOn(true)
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewTap(rec, "server").Listen(raw)
	defer ln.Close()
	got := make(chan string, 2)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
			c.Write([]byte("ok"))
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, req := range []string{"first", "second"} {
		c.Write([]byte(req))
		waitHeld(t, g, req)
		select {
		case s := <-got:
			t.Fatalf("the server read %q while it was held", s)
		case <-time.After(50 * time.Millisecond):
		}
		if !g.Release() {
			t.Fatal("nothing to release")
		}
		if s := <-got; s != req {
			t.Errorf("the server read %q, want %q", s, req)
		}
		io.ReadFull(c, make([]byte, 2))
	}
	if g.Release() {
		t.Error("released a request that was not held")
	}
}

func waitHeld(t *testing.T, g *Gate, data string) {
	t.Helper()
	deadline := time.After(2 * time.Second)
	for {
		if h := g.Held(); len(h) == 1 && string(h[0].Data) == data && h[0].Layer == "server" {
			return
		}
		select {
		case <-g.Changed():
		case <-deadline:
			t.Fatalf("%q was never held: %v", data, g.Held())
		}
	}
}

func TestGateOffLetsAllThrough(t *testing.T) {
	g := NewGate()
	g.SetOn(true)
	done := make(chan struct{})
	for i := 0; i < 3; i++ {
		go func() { g.wait(Event{Kind: KindHandoff}); done <- struct{}{} }()
	}
	for len(g.Held()) < 3 {
		<-g.Changed()
	}
	g.SetOn(false)
	for i := 0; i < 3; i++ {
		<-done
	}
	g.wait(Event{}) // off: returns at once
	if g.On() || (*Gate)(nil).On() {
		t.Error("On after SetOn(false), or for a nil Gate")
	}
}
