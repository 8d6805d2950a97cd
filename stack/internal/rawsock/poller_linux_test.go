package rawsock

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// newPoller returns a Poller the test closes at its end.
func newPoller(t *testing.T) *Poller {
	t.Helper()
	p, err := NewPoller()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// TestPollerManyWaits has many Conns wait on one Poller at once, each
// for a word its client sends later, in an order of their own, and one
// Conn read and write at once: the Poller wakes each call, and only
// once its socket is ready.
func TestPollerManyWaits(t *testing.T) {
	p := newPoller(t)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		c, client, _ := accepted(t, waits{p: p})
		word := fmt.Sprint("word", i)
		time.AfterFunc(time.Duration(n-i)*time.Millisecond, func() { client.Write([]byte(word)) })
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, len(word))
			if _, err := io.ReadFull(c, buf); err != nil || string(buf) != word {
				errs <- fmt.Errorf("conn %d read %q, %v", i, buf, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	c, client, _ := accepted(t, waits{p: p})
	big := make([]byte, 8<<20) // more than the socket buffers hold: the write waits
	wrote := make(chan error, 1)
	go func() {
		_, err := c.Write(big)
		wrote <- err
	}()
	read := make(chan error, 1)
	go func() {
		_, err := io.ReadFull(c, make([]byte, 4))
		read <- err
	}()
	time.Sleep(20 * time.Millisecond) // both wait now
	if _, err := client.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if err := <-read; err != nil {
		t.Errorf("the read beside a waiting write: %v", err)
	}
	if _, err := io.ReadFull(client, make([]byte, len(big))); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Errorf("the write beside a read: %v", err)
	}
}

// TestPollerClose closes a Poller while a Conn waits on it: the wait
// ends with net.ErrClosed, as does the next one, and nothing is left
// running.
func TestPollerClose(t *testing.T) {
	p, err := NewPoller()
	if err != nil {
		t.Fatal(err)
	}
	c, _, _ := accepted(t, waits{p: p})
	closed := make(chan error, 1)
	time.AfterFunc(50*time.Millisecond, func() { closed <- p.Close() })
	buf := make([]byte, 1)
	if _, err := c.Read(buf); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read as the Poller closed: %v, want net.ErrClosed", err)
	}
	if _, err := c.Read(buf); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read once the Poller closed: %v, want net.ErrClosed", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	select {
	case <-p.done:
	default:
		t.Error("the Poller's goroutine still runs after Close")
	}
}

// TestPollerAnswerHere reads, after a write, an answer that is already
// there: the read waits first (answerDue), and the Poller, armed, tells
// at once that the socket is ready.
func TestPollerAnswerHere(t *testing.T) {
	p := newPoller(t)
	c, client, _ := accepted(t, waits{p: p})
	if _, err := client.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // the answer is there
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if !c.answerDue.Load() {
		t.Error("no answer due after a write on a Poller")
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "pong" {
		t.Errorf("read %q, %v; want pong", buf, err)
	}
}

// TestPollerDeadlines has two Conns wait on one Poller with deadlines: the
// first, whose deadline is the earlier, gets its word in time; the second
// waits on, past the first's deadline, and fails at its own.
func TestPollerDeadlines(t *testing.T) {
	p := newPoller(t)
	early, earlyClient, _ := accepted(t, waits{p: p})
	late, _, _ := accepted(t, waits{p: p})
	start := time.Now()
	early.SetReadDeadline(start.Add(60 * time.Millisecond))
	late.SetReadDeadline(start.Add(150 * time.Millisecond))
	time.AfterFunc(10*time.Millisecond, func() { earlyClient.Write([]byte("word")) })
	lateErr := make(chan error, 1)
	go func() {
		_, err := late.Read(make([]byte, 1))
		lateErr <- err
	}()
	buf := make([]byte, 4)
	if _, err := io.ReadFull(early, buf); err != nil || string(buf) != "word" {
		t.Errorf("the early Conn read %q, %v; want its word before its deadline", buf, err)
	}
	err := <-lateErr
	if took := time.Since(start); !errors.Is(err, os.ErrDeadlineExceeded) || took < 150*time.Millisecond {
		t.Errorf("the late Conn's read: %v after %v; want os.ErrDeadlineExceeded once 150ms passed", err, took)
	}
}
