package prefork

import (
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// TestSessionKeepsNothingOfTheLastAnswer serves requests one after the
// other in one session, a large answer, chunked ones and small ones, and
// checks each answer against the same request served in a new session:
// what a session keeps from one request to the next (buffers, the timer,
// the reader) must not show in the bytes.
func TestSessionKeepsNothingOfTheLastAnswer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	w := newWorker(workerConfig{Layer: "gunicorn", Workers: 2, Trace: true, Threads: 1}, io.Discard)
	w.acc = &acceptor{addr: ln.Addr().(*net.TCPAddr)}
	big := strings.Repeat("x", 3*keptBuffer/2)
	post := func(body string) string {
		return "POST /echo HTTP/1.1\r\nHost: lab\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	steps := []struct{ app, raw string }{
		{"echo:application", post(big)},
		{"hello:application", "GET / HTTP/1.0\r\nHost: lab\r\n\r\n"},
		{"stream:application", "GET /s HTTP/1.1\r\nHost: lab\r\n\r\n"},
		{"echo:application", post("short")},
		{"stream:application", "GET /s HTTP/1.0\r\n\r\n"},
		{"hello:application", "GET / HTTP/1.1\r\nHost: lab\r\nX-Forwarded-Proto: https\r\n\r\n"},
	}
	kept := w.newSession()
	for _, st := range steps {
		app, err := gateway.Lookup(st.app)
		must(t, err)
		w.app = app
		got := serveOne(t, w, kept, ln, st.raw)
		want := serveOne(t, w, w.newSession(), ln, st.raw)
		if !strings.HasPrefix(got, "HTTP/1.") || got != want {
			t.Errorf("%s %.30q: in a kept session\n%.300q\nin a new one\n%.300q", st.app, st.raw, got, want)
		}
	}
}

// serveOne has w serve raw in session s, on a connection to ln, and
// returns the answer, its Date left out.
func serveOne(t *testing.T, w *worker, s *session, ln net.Listener, raw string) string {
	t.Helper()
	answer := make(chan string, 1)
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			answer <- err.Error()
			return
		}
		defer c.Close()
		c.Write([]byte(raw))
		b, _ := io.ReadAll(c)
		answer <- string(b)
	}()
	c, err := ln.Accept()
	must(t, err)
	w.handle(w.tap.Conn(c, trace.Server), s)
	return dateLine.ReplaceAllString(<-answer, "Date: <date>\r")
}

func TestHTTPDate(t *testing.T) {
	t.Parallel()
	var d httpDate
	base := time.Date(2026, 12, 6, 16, 59, 59, 0, time.UTC)
	for _, at := range []time.Time{
		base, base.Add(300 * time.Millisecond), base.Add(time.Second), base.Add(1999 * time.Millisecond),
		base.Add(-time.Hour), base.In(time.FixedZone("CET", 3600)), base.Add(2 * time.Second),
		time.Unix(0, 0), time.Unix(-1, 500), time.Unix(-1, 0),
	} {
		if got, want := string(d.append([]byte("Date: "), at)), "Date: "+at.UTC().Format(http1Date); got != want {
			t.Errorf("%v: %q, want %q", at, got, want)
		}
	}
}
