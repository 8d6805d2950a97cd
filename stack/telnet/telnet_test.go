package telnet

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
)

// screen is a concurrency-safe buffer standing in for the terminal.
type screen struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server answers every connection with answer after reading once, then
// closes unless keepOpen.
func server(t *testing.T, answer string, keepOpen bool) (addr string, got <-chan []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { ln.Close(); close(stop) })
	ch := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		buf := make([]byte, 1024)
		n, _ := c.Read(buf)
		ch <- buf[:n]
		c.Write([]byte(answer))
		if keepOpen {
			<-stop
		}
		c.Close()
	}()
	return ln.Addr().String(), ch
}

func TestSessionTalkDemo(t *testing.T) {
	t.Parallel()
	addr, got := server(t, "HTTP/1.1 200 OK\n\nHello\n", false)
	var scr screen
	s, err := Dial(context.Background(), "localhost", addr, &scr)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendLine("GET / HTTP/1.0"); err != nil {
		t.Fatal(err)
	}
	<-got
	<-s.Done()
	want := "Trying 127.0.0.1...\nConnected to localhost.\nEscape character is '^]'.\n" +
		"GET / HTTP/1.0\nHTTP/1.1 200 OK\n\nHello\nConnection closed by foreign host.\n"
	if scr.String() != want {
		t.Errorf("screen:\n%q\nwant:\n%q", scr.String(), want)
	}
	if ended, err := s.Ended(); !ended || err != nil {
		t.Errorf("Ended = %v, %v; want a clean close by the server", ended, err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after the server closed: %v", err)
	}
}

// TestResetIsWordedAsOnLinux: a server that aborts the connection (an
// RST, on every system) ends the session with an error that reads as Go
// reads it on Linux, whatever this system's own words are.
func TestResetIsWordedAsOnLinux(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Read(make([]byte, 1024))
		c.(*net.TCPConn).SetLinger(0) // Close sends an RST
		c.Close()
	}()
	var scr screen
	s, err := Dial(context.Background(), "localhost", ln.Addr().String(), &scr)
	if err != nil {
		t.Fatal(err)
	}
	s.SendLine("GET / HTTP/1.0")
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the session did not end after the server aborted it")
	}
	ended, err := s.Ended()
	if !ended || err == nil {
		t.Fatalf("Ended = %v, %v; want a reset", ended, err)
	}
	if got, want := ReadReason(err), "read: connection reset by peer"; got != want {
		t.Errorf("ReadReason(%v) = %q, want %q", err, got, want)
	}
}

func TestSessionSendsCRLF(t *testing.T) {
	t.Parallel()
	addr, got := server(t, "x", false)
	var scr screen
	s, err := Dial(context.Background(), "localhost", addr, &scr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SendLine("GET / HTTP/1.0")
	if b := <-got; string(b) != "GET / HTTP/1.0\r\n" {
		t.Errorf("server read %q, want the line with CR LF", b)
	}
}

func TestSessionLocalClose(t *testing.T) {
	t.Parallel()
	addr, _ := server(t, "partial", true)
	var scr screen
	s, err := Dial(context.Background(), "localhost", addr, &scr)
	if err != nil {
		t.Fatal(err)
	}
	s.SendLine("GET / HTTP/1.1")
	deadline := time.Now().Add(5 * time.Second)
	for string(s.Received()) != "partial" && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(scr.String(), "partial\nConnection closed.\n") {
		t.Errorf("screen %q: want telnet's local close message on a line of its own", scr.String())
	}
	if ended, _ := s.Ended(); ended {
		t.Error("Ended says the server closed; we did")
	}
}

func TestDialRefused(t *testing.T) {
	t.Parallel()
	addr := porttest.Refused(t)
	var scr screen
	if _, err := Dial(context.Background(), "localhost", addr, &scr); err == nil {
		t.Fatal("Dial to a closed port succeeded")
	}
	want := "Trying 127.0.0.1...\ntelnet: Unable to connect to remote host: Connection refused\n"
	if scr.String() != want {
		t.Errorf("screen %q, want %q", scr.String(), want)
	}
}

func TestTypeLine(t *testing.T) {
	t.Parallel()
	addr, got := server(t, "ok\n", false)
	var scr screen
	s, err := Dial(context.Background(), "localhost", addr, &scr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.TypeLine(context.Background(), "GET /", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "GET /\r\n" {
		t.Errorf("sent %q", b)
	}
	if !strings.Contains(scr.String(), "'^]'.\nGET /\n") {
		t.Errorf("screen %q", scr.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.TypeLine(ctx, "never", time.Second); err == nil {
		t.Error("TypeLine with an ended context sent")
	}
}
