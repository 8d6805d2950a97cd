package wsgiref

import (
	"context"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var date = regexp.MustCompile(`Date: [^\r]*\r\n`)

// The answers below are what Python 3.11's wsgiref.simple_server sent for
// the same app (hello and stream of stack/prefork/testdata/gunicorn/apps.py),
// with the Date and Server lines taken out.
func TestAnswersAsSimpleServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, app, req, want string
	}{
		{"the talk's request", "hello:application", "GET / HTTP/1.0\r\n\r\n",
			"HTTP/1.0 200 OK\r\nContent-type: text/plain\r\nContent-Length: 30\r\n\r\nHello, World! (from Gunicorn)\n"},
		{"HTTP/1.1 is answered in 1.0", "hello:application", "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
			"HTTP/1.0 200 OK\r\nContent-type: text/plain\r\nContent-Length: 30\r\n\r\nHello, World! (from Gunicorn)\n"},
		{"no length, no chunks", "stream:application", "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
			"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nX-Stream: yes\r\n\r\none\ntwo\nthree\n"},
		{"garbage gets the page alone", "hello:application", "GARBAGE\r\n\r\n", "<!DOCTYPE HTML>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := trace.NewRecorder(0, 0)
			s, err := New(stack.Config{Trace: rec}, tt.app)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			c, err := net.Dial("tcp", s.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(c, tt.req)
			b, _ := io.ReadAll(c)
			got := date.ReplaceAllString(string(b), "")
			got = strings.Replace(got, "Server: "+ServerHeader+"\r\n", "", 1)
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("answer:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestUnknownApp(t *testing.T) {
	t.Parallel()
	if _, err := New(stack.Config{}, "nope:app"); err == nil {
		t.Error("no error for an unknown app")
	}
}

// TestEnvironAsSimpleServer sends the requests of testdata/*.req to the
// lab's server running the environ app, and compares the environ it
// shows, key by key in order, with the one Python's simple_server built
// (testdata/*.resp, captured by capture.py). What Python copied from its
// process environment is left out, as the lab copies none, and so are
// the values that differ by run or name the lab.
func TestEnvironAsSimpleServer(t *testing.T) {
	t.Parallel()
	s, err := New(stack.Config{}, "environ:application")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, name := range capture.Names(t, "testdata", "environ-") {
		t.Run(name, func(t *testing.T) {
			req, want := capture.Read(t, "testdata", name)
			got := capture.RoundTrip(t, s.Addr(), req)
			if g, w := environLines(got), environLines(want); g != w {
				t.Errorf("environ differs from simple_server's:\n got:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

// environLines returns the environ an environ app answered with, from
// SERVER_NAME on, with the values that differ by run or by design
// replaced by their key.
func environLines(answer string) string {
	_, body, _ := strings.Cut(answer, "\r\n\r\n")
	_, body, _ = strings.Cut(body, "SERVER_NAME=")
	var out []string
	for _, line := range strings.Split(strings.TrimSpace("SERVER_NAME="+body), "\n") {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "SERVER_PORT", "SERVER_SOFTWARE", "wsgi.input", "wsgi.errors", "wsgi.file_wrapper":
			v = "<" + k + ">"
		}
		out = append(out, k+"="+v)
	}
	return strings.Join(out, "\n")
}
