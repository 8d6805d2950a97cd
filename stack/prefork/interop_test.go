package prefork

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/guntest"
	"github.com/ngw2f/ngw2f-lab/stack/internal/peer"
)

// startGunicorn runs Debian's gunicorn with an app of testdata/gunicorn/
// apps.py on a socket of its own, and stops it (by its PID) when the test
// ends.
func startGunicorn(t *testing.T, app string) string {
	t.Helper()
	bin, err := exec.LookPath("gunicorn")
	if err != nil {
		peer.Missing(t, "gunicorn is not installed: apt-get install gunicorn (Debian's 20.1.0) to compare the pre-fork server with it")
	}
	return guntest.Start(t, bin, filepath.Join("testdata", "gunicorn"), "apps:"+app)
}

// shape is what must be the same in both answers: the status line and
// the header names, in order and case.
func shape(t *testing.T, answer string) string {
	t.Helper()
	resp, err := http1.NewReader(strings.NewReader(answer), http1.Limits{}).ReadResponse("GET")
	if err != nil {
		t.Fatalf("reading %q: %v", answer, err)
	}
	names := make([]string, len(resp.Headers))
	for i, h := range resp.Headers {
		names[i] = h.Name
	}
	return fmt.Sprintf("%s %d %s | %s", resp.Proto, resp.Status, resp.Reason, strings.Join(names, ", "))
}

var interopRequests = []struct{ name, raw string }{
	{"the talk's request", "GET / HTTP/1.0\r\n\r\n"},
	{"HTTP/1.1 with a body", "POST /echo?x=1 HTTP/1.1\r\nHost: localhost:8000\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-Forwarded-For: 127.0.0.1\r\n\r\nhello"},
}

// TestInteropWithGunicorn sends the same requests to real gunicorn and to
// the lab's pre-fork server, both serving the same app behaviour, and
// compares the answers' shape and the environ's keys.
func TestInteropWithGunicorn(t *testing.T) {
	for _, app := range []struct{ python, lab string }{
		{"hello", "hello:application"},
		{"echo", "echo:application"},
		{"stream", "stream:application"},
		{"environ", "environ:application"},
	} {
		t.Run(app.python, func(t *testing.T) {
			real := startGunicorn(t, app.python)
			s, _ := startServer(t, Options{App: app.lab, Workers: 2})
			for _, rq := range interopRequests {
				t.Run(rq.name, func(t *testing.T) {
					want := exchangeAddr(t, real, rq.raw)
					got := exchange(t, s.Addr(), rq.raw)
					if g, w := shape(t, got), shape(t, want); g != w {
						t.Errorf("answer's shape:\n lab      %s\n gunicorn %s", g, w)
					}
					if app.python == "environ" {
						if g, w := environKeys(got), environKeys(want); g != w {
							t.Errorf("environ keys:\n lab      %s\n gunicorn %s", g, w)
						}
					}
				})
			}
		})
	}
}

func exchangeAddr(t *testing.T, addr, raw string) string {
	t.Helper()
	a, err := net.ResolveTCPAddr("tcp", addr)
	must(t, err)
	return exchange(t, a, raw)
}

// environKeys lists the keys of an environ app's answer, in order.
func environKeys(answer string) string {
	_, body, _ := strings.Cut(answer, "\r\n\r\n")
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		k, _, _ := strings.Cut(line, "=")
		keys = append(keys, k)
	}
	return strings.Join(keys, " ")
}
