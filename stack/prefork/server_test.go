package prefork

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// startServer starts a pre-fork server on a free port with a recorder and
// stops it when the test ends.
func startServer(t *testing.T, opts Options) (*Server, *trace.Recorder) {
	t.Helper()
	rec := trace.NewRecorder(0, 0)
	s := New(stack.Config{Trace: rec}, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, rec
}

// exchange sends raw and reads the answer until the server closes. Unlike
// capture.RoundTrip, a reset is no failure: it is what a client of a worker
// killed for its timeout gets, and the tests look at what came before.
func exchange(t testing.TB, addr net.Addr, raw string) string {
	t.Helper()
	answer, _ := capture.Exchange(t, addr, raw, false)
	return answer
}

func TestServesTheTalksRequest(t *testing.T) {
	s, _ := startServer(t, Options{})
	got := exchange(t, s.Addr(), "GET / HTTP/1.0\r\n\r\n")
	if !strings.HasPrefix(got, "HTTP/1.0 200 OK\r\nServer: gunicorn (ngw2f-lab)\r\nDate: ") {
		t.Errorf("answer %q", got)
	}
	if len(s.PIDs()) != 3 {
		t.Errorf("PIDs %v, want master and 2 workers", s.PIDs())
	}
}

// TestCoversItsSocketWhileItRuns: the workers tap every connection they
// accept, into the master's Recorder, so a layer of the lab that dials
// the socket leaves its own end untapped while the server runs, and taps
// it again once the socket is closed: a program outside the lab, which
// nobody taps, may listen there next.
func TestCoversItsSocketWhileItRuns(t *testing.T) {
	s, rec := startServer(t, Options{Workers: 1})
	proxy := trace.NewTap(rec, "proxy")
	dial := func() net.Conn {
		c, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	if _, ok := proxy.Dialed(dial()).(*trace.Conn); ok {
		t.Error("the end dialed to the running server is tapped, as well as the worker's")
	}
	s.Close()
	outside, err := net.Listen("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer outside.Close()
	if _, ok := proxy.Dialed(dial()).(*trace.Conn); !ok {
		t.Error("the end dialed to a program listening where the closed server did is not tapped")
	}
}
