//go:build unix

package rawsock

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ngw2f/ngw2f-lab/stack/internal/peek"
)

// waits is where a direct Conn waits: on Go's poller (both nil), on a
// Waiter, or on a Poller.
type waits struct {
	w *Waiter
	p *Poller
}

func (h waits) String() string {
	switch {
	case h.w != nil:
		return "waiter"
	case h.p != nil:
		return "poller"
	}
	return "go"
}

// accepted accepts a client of a listener of its own with Accept and
// returns the direct connection on it, which waits where h says, the
// client's end, and the listener's address.
func accepted(t *testing.T, h waits) (*Conn, net.Conn, *net.TCPAddr) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	rc, err := ln.(*net.TCPListener).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var nfd int
	var clientAddr *net.TCPAddr
	var acceptErr error
	// The client is connected, so it is queued: Accept need not wait.
	if err := rc.Control(func(fd uintptr) { nfd, clientAddr, acceptErr = Accept(int(fd)) }); err != nil {
		t.Fatal(err)
	}
	if acceptErr != nil {
		t.Fatal(acceptErr)
	}
	laddr := ln.Addr().(*net.TCPAddr)
	c := NewDirectConn(nfd, laddr, clientAddr, h.w)
	if h.p != nil {
		c = NewPolledConn(nfd, laddr, clientAddr, h.p)
	}
	t.Cleanup(func() { c.Close() })
	return c, client, laddr
}

// TestAcceptedConn accepts a client and talks with it through a direct
// Conn: the socket is non-blocking and closes on exec, the addresses are
// the listener's and the client's, what has come is read and a small
// answer written without the poller, CloseWrite ends what the client
// reads, and a closed Conn answers net.ErrClosed.
func TestAcceptedConn(t *testing.T) {
	c, client, laddr := accepted(t, waits{})
	func(fd uintptr) {
		flags, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		if err != nil || flags&unix.O_NONBLOCK == 0 {
			t.Errorf("file status flags %#x, %v: want O_NONBLOCK", flags, err)
		}
		flags, err = unix.FcntlInt(fd, unix.F_GETFD, 0)
		if err != nil || flags&unix.FD_CLOEXEC == 0 {
			t.Errorf("descriptor flags %#x, %v: want FD_CLOEXEC", flags, err)
		}
	}(uintptr(c.fd))
	if got := c.LocalAddr().String(); got != laddr.String() {
		t.Errorf("LocalAddr = %s, want %s", got, laddr)
	}
	if got, want := c.RemoteAddr().String(), client.LocalAddr().String(); got != want {
		t.Errorf("RemoteAddr = %s, want %s", got, want)
	}

	if _, err := client.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("read %q, %v", buf, err)
	}
	if _, err := c.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(client)
	if err != nil || string(got) != "pong" {
		t.Errorf("the client read %q, %v; want pong, then the end", got, err)
	}
	if c.f != nil {
		t.Error("a Conn that never waited went on the poller")
	}

	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = c.Read(buf)
	var oe *net.OpError
	if !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) || oe.Op != "read" {
		t.Errorf("read after close: %v, want a read *net.OpError of net.ErrClosed", err)
	}
	if err := c.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second close: %v, want net.ErrClosed", err)
	}
}

// TestConnWaits has a direct Conn wait, on Go's poller, on a Waiter or on
// a Poller: for a request that comes later, for a client that reads a
// large answer slowly, until a deadline, until a deadline moved while it
// waits, and until the Conn is closed.
func TestConnWaits(t *testing.T) {
	waiter, err := NewWaiter() // nil where there is none: Go's poller
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { waiter.Close() })
	poller, err := NewPoller() // nil where there is none too
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { poller.Close() })
	for _, h := range []waits{{}, {w: waiter}, {p: poller}} {
		t.Run(h.String(), func(t *testing.T) { testConnWaits(t, h) })
	}
}

func testConnWaits(t *testing.T, h waits) {
	t.Run("read", func(t *testing.T) {
		c, client, _ := accepted(t, h)
		for _, word := range []string{"late", "later"} { // a second wait, once in the Waiter
			time.AfterFunc(50*time.Millisecond, func() { client.Write([]byte(word)) })
			buf := make([]byte, len(word))
			if _, err := io.ReadFull(c, buf); err != nil || string(buf) != word {
				t.Fatalf("read %q, %v", buf, err)
			}
		}
		if onPoller := c.f != nil; onPoller != (h == waits{}) {
			t.Errorf("a Conn that waited for its read on the %s: on Go's poller %v", h, onPoller)
		}
	})
	t.Run("write", func(t *testing.T) {
		c, client, _ := accepted(t, h)
		big := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB: more than the socket buffers hold
		done := make(chan []byte)
		go func() {
			got, _ := io.ReadAll(client)
			done <- got
		}()
		if n, err := c.Write(big); n != len(big) || err != nil {
			t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(big))
		}
		c.Close()
		if got := <-done; !bytes.Equal(got, big) {
			t.Errorf("the client read %d bytes, not the %d written", len(got), len(big))
		}
	})
	t.Run("deadline", func(t *testing.T) {
		c, _, _ := accepted(t, h)
		if err := c.SetReadDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		_, err := c.Read(make([]byte, 1))
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("read past the deadline: %v, want os.ErrDeadlineExceeded", err)
		}
	})
	t.Run("deadline moved", func(t *testing.T) {
		c, _, _ := accepted(t, h)
		if err := c.SetReadDeadline(time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(50*time.Millisecond, func() { c.SetReadDeadline(time.Now()) })
		_, err := c.Read(make([]byte, 1))
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("read whose deadline was moved to now: %v, want os.ErrDeadlineExceeded", err)
		}
	})
	t.Run("close", func(t *testing.T) {
		c, _, _ := accepted(t, h)
		time.AfterFunc(50*time.Millisecond, func() { c.Close() })
		_, err := c.Read(make([]byte, 1))
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("read of a Conn closed meanwhile: %v, want net.ErrClosed", err)
		}
	})
}

// TestTCPAddr turns socket addresses into TCP addresses, and anything
// else into nil.
func TestTCPAddr(t *testing.T) {
	tests := []struct {
		sa   syscall.Sockaddr
		want string
	}{
		{&syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: 8080}, "127.0.0.1:8080"},
		{&syscall.SockaddrInet6{Addr: [16]byte{15: 1}, Port: 443}, "[::1]:443"},
	}
	for _, tt := range tests {
		if got := TCPAddr(tt.sa).String(); got != tt.want {
			t.Errorf("TCPAddr(%v) = %s, want %s", tt.sa, got, tt.want)
		}
	}
	if got := TCPAddr(&syscall.SockaddrUnix{Name: "/tmp/s"}); got != nil {
		t.Errorf("TCPAddr of a Unix socket = %v, want nil", got)
	}
}

// TestPeekDirectConn peeks at what waits on a direct Conn, as a pre-fork
// worker does before it closes a client it refused, so that its close is
// a clean one rather than a reset: the Conn is a syscall.Conn, as net's
// are, and the bytes peeked at are still there to read.
func TestPeekDirectConn(t *testing.T) {
	c, client, _ := accepted(t, waits{})
	if peek.Pending(c) {
		t.Fatal("Pending before the client wrote")
	}
	if _, err := client.Write([]byte("GET")); err != nil {
		t.Fatal(err)
	}
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := peek.Readable(c); err != nil {
		t.Fatalf("Readable: %v", err)
	}
	if !peek.Pending(c) {
		t.Fatal("not Pending once the client wrote")
	}
	buf := make([]byte, 8)
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "GET" {
		t.Errorf("Read after peeking = %q, %v; want \"GET\"", buf[:n], err)
	}
}
