//go:build unix

package proxy

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/rawsock"
)

// fullListener returns the address of a listener whose queue of
// connections is full, so that a connect to it waits: the system drops
// the SYNs it is sent.
func fullListener(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, syscall.IPPROTO_TCP)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "listener")
	t.Cleanup(func() { f.Close() })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := rawsock.TCPAddr(sa).String()
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr // a connect waited: the queue is full
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("this system never makes a connect to a full listener wait")
	return ""
}

// TestDialWaits dials a server whose connect cannot end: the dial ends
// as a timeout at the connect deadline, and with the server's
// context.Canceled when the server closes while it waits.
func TestDialWaits(t *testing.T) {
	t.Parallel()
	dt := newDialTarget(fullListener(t))
	c, closeServer := dialConn(t)

	up, err := dt.dial(dialContext{c: c, deadline: time.Now().Add(100 * time.Millisecond)})
	if err == nil {
		up.Close()
	}
	if !isTimeout(err) {
		t.Errorf("dialing until the connect deadline: %v, want a timeout", err)
	}

	go func() {
		time.Sleep(100 * time.Millisecond)
		closeServer()
		c.abort() // as Close does
	}()
	deadline := time.Now().Add(time.Minute)
	up, err = dt.dial(dialContext{c: c, deadline: deadline})
	if err == nil {
		up.Close()
	}
	if !errors.Is(err, context.Canceled) || !time.Now().Before(deadline) {
		t.Errorf("dialing as the server closes: %v, want context.Canceled before the connect deadline", err)
	}
	if c.dialHook != nil {
		t.Error("the dial left its hook on the connection")
	}
}

// TestDialMany dials a listener of its own many times at once. On
// loopback a connect has mostly ended before the dial would wait for the
// poller, and while other dials run, the poller takes in the news
// before the dial asks: none may be missed for it (the dial would hang
// until its deadline).
func TestDialMany(t *testing.T) {
	t.Parallel()
	dt := newDialTarget(closingListener(t))
	var wg sync.WaitGroup
	for range 20 {
		c, _ := dialConn(t)
		wg.Go(func() {
			for range 50 {
				up, err := dt.dial(dialContext{c: c, deadline: time.Now().Add(5 * time.Second)})
				if err != nil {
					t.Error(err)
					return
				}
				up.Close()
			}
		})
	}
	wg.Wait()
}
