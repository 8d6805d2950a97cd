//go:build unix

package prefork

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"golang.org/x/sys/unix"
)

// handedOff returns an acceptor on the socket a listener of its own hands
// to workers, made as a worker makes one, from its own descriptor of the
// socket, and the listener's address.
func handedOff(t *testing.T) (*acceptor, string) {
	t.Helper()
	ln, err := stack.Listen(context.Background(), "test", "127.0.0.1:0")
	must(t, err)
	f, err := handOff(ln) // closes ln
	must(t, err)
	defer f.Close()
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	must(t, err)
	a, err := newAcceptor(os.NewFile(uintptr(fd), "listener"), true)
	must(t, err)
	t.Cleanup(a.close)
	return a, ln.Addr().String()
}

// TestAcceptor takes a client as a worker does: its connection has the
// listener's address and the client's, and carries the request and the
// answer; the socket has TCP_NODELAY from the master, for the clients to
// inherit, as gunicorn's listener does.
func TestAcceptor(t *testing.T) {
	a, addr := handedOff(t)
	client, err := net.Dial("tcp", addr)
	must(t, err)
	defer client.Close()
	_, err = client.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	must(t, err)

	c, err := a.accept()
	must(t, err)
	defer c.Close()
	if got := c.LocalAddr().String(); got != addr {
		t.Errorf("LocalAddr = %s, want the listener's %s", got, addr)
	}
	if got, want := c.RemoteAddr().String(), client.LocalAddr().String(); got != want {
		t.Errorf("RemoteAddr = %s, want the client's %s", got, want)
	}
	buf := make([]byte, 18)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "GET / HTTP/1.0\r\n\r\n" {
		t.Fatalf("read %q, %v", buf, err)
	}
	_, err = c.Write([]byte("HTTP/1.0 204 No Content\r\n\r\n"))
	must(t, err)
	c.Close()
	if got, err := io.ReadAll(client); err != nil || string(got) != "HTTP/1.0 204 No Content\r\n\r\n" {
		t.Errorf("the client read %q, %v", got, err)
	}

	rc, err := a.f.SyscallConn()
	must(t, err)
	var nodelay int
	var optErr error
	must(t, rc.Control(func(fd uintptr) { nodelay, optErr = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NODELAY) }))
	if optErr != nil || nodelay == 0 {
		t.Errorf("TCP_NODELAY on the listening socket = %d, %v; want it set", nodelay, optErr)
	}
}

// TestAcceptorWaits checks that an accept with no client comes back idle
// after acceptWait, and that closing the acceptor wakes an accept at once,
// idle too.
func TestAcceptorWaits(t *testing.T) {
	a, _ := handedOff(t)
	start := time.Now()
	if _, err := a.accept(); err != errIdle {
		t.Errorf("accept with no client: %v, want errIdle", err)
	}
	if waited := time.Since(start); waited < acceptWait {
		t.Errorf("accept with no client came back after %v, before acceptWait", waited)
	}

	time.AfterFunc(20*time.Millisecond, a.close)
	start = time.Now()
	if _, err := a.accept(); err != errIdle {
		t.Errorf("accept as the acceptor closed: %v, want errIdle", err)
	}
	if waited := time.Since(start); waited >= acceptWait {
		t.Errorf("closing the acceptor woke its accept only after %v", waited)
	}
	if _, err := a.accept(); !errors.Is(err, errIdle) {
		t.Errorf("accept once closed: %v, want errIdle", err)
	}
}
