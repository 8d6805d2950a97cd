package real

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// echoServer answers each connection by handle, then closes it.
func echoServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			handle(c)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

// startRelay starts a relay to target that taps into a recorder, and
// returns it with a subscription to what it records.
func startRelay(t *testing.T, cfg RelayConfig) (*Relay, *trace.Subscription) {
	t.Helper()
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	cfg.Tap = trace.NewTap(rec, "relay")
	r := NewRelay(cfg)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); sub.Close() })
	return r, sub
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	rnd := rand.New(rand.NewPCG(seed, seed))
	for i := range b {
		b[i] = byte(rnd.Uint32())
	}
	return b
}

// tapped returns what the tap recorded going each way, once the
// connection's close is recorded.
func tapped(t *testing.T, sub *trace.Subscription) (down, up []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	buf := make([]trace.Event, 64)
	for {
		n, err := sub.Read(ctx, buf)
		if err != nil {
			t.Fatalf("the tap never recorded the close: %v", err)
		}
		for _, e := range buf[:n] {
			switch {
			case e.Kind == trace.KindBytes && e.Dir == trace.Down:
				down = append(down, e.Data...)
			case e.Kind == trace.KindBytes && e.Dir == trace.Up:
				up = append(up, e.Data...)
			case e.Kind == trace.KindClose:
				return down, up
			}
		}
	}
}

// TestRelayAddsAndDropsNothing sends random binary bodies through a relay
// both ways: the client half-closes after its bytes, the server answers
// after reading them all, so the half-close must pass through; what each
// side receives, and what the tap records, is exactly what the other
// sent.
func TestRelayAddsAndDropsNothing(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		down, up  int
		writeSize int
	}{
		{name: "one byte each way", down: 1, up: 1, writeSize: 1},
		{name: "a request and an answer", down: 700, up: 3000, writeSize: 512},
		{name: "large bodies", down: 1 << 20, up: 3 << 20, writeSize: 64 << 10},
		{name: "nothing from the client", down: 0, up: 40000, writeSize: 4096},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			send, answer := randomBytes(tt.down, 1), randomBytes(tt.up, 2)
			got := make(chan []byte, 1)
			target := echoServer(t, func(c net.Conn) {
				b, _ := io.ReadAll(c) // until the client's half-close
				got <- b
				for rest := answer; len(rest) > 0; rest = rest[min(tt.writeSize, len(rest)):] {
					c.Write(rest[:min(tt.writeSize, len(rest))])
				}
			})
			r, sub := startRelay(t, RelayConfig{Name: "relay", Target: target})
			c, err := net.Dial("tcp", r.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			go func() {
				for rest := send; len(rest) > 0; rest = rest[min(tt.writeSize, len(rest)):] {
					c.Write(rest[:min(tt.writeSize, len(rest))])
				}
				c.(*net.TCPConn).CloseWrite()
			}()
			back, err := io.ReadAll(c)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(<-got, send) {
				t.Errorf("the server got other bytes than the client sent")
			}
			if !bytes.Equal(back, answer) {
				t.Errorf("the client got %d bytes, the server sent %d: not the same", len(back), len(answer))
			}
			down, up := tapped(t, sub)
			if !bytes.Equal(down, send[:min(len(send), trace.MaxHopBytes)]) || !bytes.Equal(up, answer[:min(len(answer), trace.MaxHopBytes)]) {
				t.Errorf("the tap kept %d bytes down and %d up, not the first of what crossed", len(down), len(up))
			}
		})
	}
}

// TestRelayKeepsAlive sends three requests on one connection: each
// answer comes back before the next request goes, on the same
// connection to the server.
func TestRelayKeepsAlive(t *testing.T) {
	t.Parallel()
	conns := make(chan int, 4)
	target := echoServer(t, func(c net.Conn) {
		n := 0
		buf := make([]byte, 64)
		for {
			k, err := c.Read(buf)
			if err != nil {
				conns <- n
				return
			}
			n++
			c.Write(bytes.ToUpper(buf[:k]))
		}
	})
	r, _ := startRelay(t, RelayConfig{Name: "relay", Target: target})
	c, err := net.Dial("tcp", r.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"one", "two", "three"} {
		io.WriteString(c, word)
		buf := make([]byte, 64)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != string(bytes.ToUpper([]byte(word))) {
			t.Fatalf("after %q: %q, %v", word, buf[:n], err)
		}
	}
	c.Close()
	if n := <-conns; n != 3 {
		t.Errorf("the server read %d requests on its connection, want 3", n)
	}
}

// TestRelayPassesAReset resets the connection from the server's side:
// the client sees a reset too, not a clean end.
func TestRelayPassesAReset(t *testing.T) {
	t.Parallel()
	target := echoServer(t, func(c net.Conn) {
		buf := make([]byte, 16)
		c.Read(buf)
		c.(*net.TCPConn).SetLinger(0)
	})
	r, _ := startRelay(t, RelayConfig{Name: "relay", Target: target})
	c, err := net.Dial("tcp", r.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "hello")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadAll(c)
	if !errno.Is(err, errno.ECONNRESET) {
		t.Errorf("the client read %v, want a reset", err)
	}
}

// TestRelayToNothingResets: with nothing listening behind the relay, the
// client's connection is reset, as a refused one fails.
func TestRelayToNothingResets(t *testing.T) {
	t.Parallel()
	r, _ := startRelay(t, RelayConfig{Name: "relay", Target: porttest.Refused(t)})
	c, err := net.Dial("tcp", r.Addr().String())
	if err == nil { // the reset may come before the connect returns, or after
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = io.ReadAll(c)
	}
	if !errno.Is(err, errno.ECONNRESET) {
		t.Errorf("the client got %v, want a reset", err)
	}
}

// TestUpstreamRelayLinks taps the dialed end and links it to the
// connection Link names, with the first bytes passed on unchanged.
func TestUpstreamRelayLinks(t *testing.T) {
	t.Parallel()
	target := echoServer(t, func(c net.Conn) {
		buf := make([]byte, 64)
		n, _ := c.Read(buf)
		c.Write(buf[:n])
	})
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	front := trace.NewTap(rec, "proxy")
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	in := front.Conn(a, trace.Server)
	var first []byte
	r := NewRelay(RelayConfig{Name: "proxy", Target: target, Tap: front, TapDialed: true,
		Link: func(b []byte) net.Conn { first = b; return in }})
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := net.Dial("tcp", r.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "GET / HTTP/1.0\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64)
	n, _ := c.Read(buf)
	c.Close()
	if string(buf[:n]) != "GET / HTTP/1.0\r\n\r\n" || string(first) != "GET / HTTP/1.0\r\n\r\n" {
		t.Fatalf("echoed %q, Link saw %q", buf[:n], first)
	}
	var sawLink, sawClientOpen bool
	for _, e := range sub.TryNext(0) {
		switch {
		case e.Kind == trace.KindLink && e.Conn == trace.ID(in) && e.Remote == target:
			sawLink = true
		case e.Kind == trace.KindOpen && e.Side == trace.Client && e.Remote == target:
			sawClientOpen = true
		}
	}
	if !sawLink || !sawClientOpen {
		t.Errorf("link recorded: %v, dialed end tapped: %v", sawLink, sawClientOpen)
	}
}
