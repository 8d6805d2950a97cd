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
