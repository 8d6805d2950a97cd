package rawsock

import (
	"context"
	"errors"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/peer"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start runs a traced server for one test and returns it with the
// subscription to its events.
func start(t *testing.T) (*Server, *trace.Subscription) {
	t.Helper()
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	s := New(stack.Config{Trace: rec})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		sub.Close()
	})
	return s, sub
}

// ask sends req on a fresh connection and returns everything the server
// sent back and the error that ended the read.
func ask(t *testing.T, addr string, req string) (string, error) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	return string(b), err
}

// serverRead returns the bytes the server read, as its tap recorded them.
func serverRead(sub *trace.Subscription) string {
	var b []byte
	for _, e := range sub.TryNext(0) {
		if e.Kind == trace.KindBytes && e.Dir == trace.Down {
			b = append(b, e.Data...)
		}
	}
	return string(b)
}

func TestAnswersTheSameToAnything(t *testing.T) {
	long := "GET / HTTP/1.0\r\nX-Pad: " + strings.Repeat("a", 1500) + "\r\n\r\n"
	tests := []struct {
		name      string
		request   string
		wantRead  string
		wantReset bool // the server closed with bytes unread
	}{
		{name: "the talk's request", request: "GET / HTTP/1.0\r\n\r\n", wantRead: "GET / HTTP/1.0\r\n\r\n"},
		{name: "HTTP/0.9", request: "GET /\r\n", wantRead: "GET /\r\n"},
		{name: "HTTP/1.1 without Host", request: "GET / HTTP/1.1\r\n\r\n", wantRead: "GET / HTTP/1.1\r\n\r\n"},
		{name: "not HTTP at all", request: "HELLO?\r\n", wantRead: "HELLO?\r\n"},
		{name: "longer than one read is cut", request: long, wantRead: long[:ReadSize], wantReset: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, sub := start(t)
			got, err := ask(t, s.Addr().String(), tt.request)
			if got != Response {
				t.Errorf("answer %q, want %q", got, Response)
			}
			if tt.wantReset != (err != nil) {
				t.Errorf("read error %v, want reset=%v", err, tt.wantReset)
			}
			if r := serverRead(sub); r != tt.wantRead {
				t.Errorf("server read %d bytes %q, want %d bytes", len(r), r, len(tt.wantRead))
			}
		})
	}
}

func TestOneConnectionAtATime(t *testing.T) {
	s, _ := start(t)
	silent, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	second, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	io.WriteString(second, "GET / HTTP/1.0\r\n\r\n")
	second.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := second.Read(make([]byte, 1)); err == nil {
		t.Fatal("the second client was answered while the first one held the server")
	}
	silent.Close()
	second.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(second)
	if string(b) != Response {
		t.Errorf("after the first client left, the second got %q, %v", b, err)
	}
}

func TestPortBusy(t *testing.T) {
	s, _ := start(t)
	other := New(stack.Config{Addr: s.Addr().String()})
	err := other.Start(context.Background())
	var busy *stack.PortBusyError
	if !errors.As(err, &busy) {
		t.Fatalf("Start on a taken port: %v, want a PortBusyError", err)
	}
	if !strings.Contains(err.Error(), "already in use") {
		t.Errorf("message %q does not say the port is in use", err)
	}
}

func TestStopWithAClientHoldingTheServer(t *testing.T) {
	s, _ := start(t)
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.Sleep(20 * time.Millisecond) // let the server accept and block in its read
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); err == nil {
		t.Error("Shutdown returned while a client still held the server")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Start(context.Background()); !errors.Is(err, stack.ErrServerClosed) {
		t.Errorf("Start after Close: %v, want ErrServerClosed", err)
	}
}

// TestRealClients drives the server with the real curl and telnet.
func TestRealClients(t *testing.T) {
	s, _ := start(t)
	host, port, _ := net.SplitHostPort(s.Addr().String())
	t.Run("curl", func(t *testing.T) {
		if _, err := exec.LookPath("curl"); err != nil {
			peer.Missing(t, "curl not installed: apt-get install curl")
		}
		out, err := exec.Command("curl", "-sv", "--max-time", "5", "http://"+host+":"+port+"/").CombinedOutput()
		if err != nil {
			t.Fatalf("curl: %v\n%s", err, out)
		}
		for _, want := range []string{"> GET / HTTP/1.1", "< HTTP/1.1 200 OK", "Hello, World! (from a raw socket)"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("curl -v output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("telnet", func(t *testing.T) {
		if _, err := exec.LookPath("telnet"); err != nil {
			peer.Missing(t, "telnet not installed: apt-get install telnet")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "telnet", host, port)
		in, _ := cmd.StdinPipe()
		var out strings.Builder
		cmd.Stdout = &out
		cmd.Stderr = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		io.WriteString(in, "GET / HTTP/1.0\n\n")
		cmd.Wait() // telnet exits when the server closes
		in.Close()
		for _, want := range []string{"Connected to " + host + ".", "HTTP/1.1 200 OK", "Hello, World! (from a raw socket)", "Connection closed by foreign host."} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("telnet output lacks %q:\n%s", want, out.String())
			}
		}
	})
}
