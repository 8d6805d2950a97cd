package framework

import (
	"bytes"
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/internal/guntest"
	"github.com/ngw2f/ngw2f-lab/stack/internal/peer"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

// startGunicorn runs Debian's gunicorn with 2 sync workers serving a
// Flask app of testdata/flask/apps.py on a socket of its own, and stops
// it (by its PID) when the test ends. It skips the test when gunicorn or
// Flask is missing.
func startGunicorn(t *testing.T, app string) net.Addr {
	t.Helper()
	bin, err := exec.LookPath("gunicorn")
	if err != nil {
		peer.Missing(t, "gunicorn is not installed: apt-get install gunicorn python3-flask (Debian's 20.1.0 and 2.2.2) to compare the framework with Flask")
	}
	if out, err := exec.Command("/usr/bin/python3", "-c", "import flask").CombinedOutput(); err != nil {
		peer.Missing(t, "Flask is not installed for gunicorn's python: apt-get install python3-flask (%s)", bytes.TrimSpace(out))
	}
	addr, err := net.ResolveTCPAddr("tcp", guntest.Start(t, bin, captures, "apps:"+app, "PYTHONHASHSEED=0"))
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// shape is what must be the same in two answers: the status line, the
// header names in order and case, and the body.
func shape(t *testing.T, answer, method string) string {
	t.Helper()
	resp, err := http1.NewReader(strings.NewReader(answer), http1.Limits{}).ReadResponse(method)
	if err != nil {
		t.Fatalf("reading %q: %v", answer, err)
	}
	var b strings.Builder
	b.WriteString(resp.Proto + " " + resp.Reason + "\n")
	for _, h := range resp.Headers {
		b.WriteString(h.Name + "\n")
	}
	body := new(bytes.Buffer)
	body.ReadFrom(resp.Body)
	return b.String() + "\n" + body.String()
}

// TestInteropWithFlaskUnderGunicorn sends the same requests to Flask
// under real gunicorn and to the lab's framework under the lab's pre-fork
// server, and compares the answers' shape: status line, header names in
// order and case, body.
func TestInteropWithFlaskUnderGunicorn(t *testing.T) {
	t.Parallel()
	requests := map[string][]string{
		"app:application": {
			"GET / HTTP/1.0\r\n\r\n",
			"GET / HTTP/1.1\r\nHost: localhost:8000\r\n\r\n",
			"HEAD / HTTP/1.0\r\n\r\n",
			"GET /missing HTTP/1.0\r\n\r\n",
			"POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
			"OPTIONS / HTTP/1.0\r\n\r\n",
			"GET / HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n",
		},
		"tour:tour": {
			"GET /user/7 HTTP/1.1\r\nHost: x\r\n\r\n",
			"GET /json HTTP/1.0\r\n\r\n",
			"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n",
			"GET /docs HTTP/1.0\r\nHost: localhost:8080\r\n\r\n",
			"GET /crash HTTP/1.0\r\n\r\n",
			"DELETE /item/3 HTTP/1.0\r\n\r\n",
			"GET /forbidden HTTP/1.0\r\n\r\n",
		},
	}
	for name, raws := range requests {
		lab, python, _ := strings.Cut(name, ":")
		t.Run(lab, func(t *testing.T) {
			t.Parallel()
			real := startGunicorn(t, python)
			s := startLayer(t, prefork.New(stack.Config{}, prefork.Options{App: lab + ":application", Workers: 2}))
			for _, raw := range raws {
				method, _, _ := strings.Cut(raw, " ")
				want := shape(t, capture.RoundTrip(t, real, raw), method)
				got := shape(t, capture.RoundTrip(t, s.Addr(), raw), method)
				if got != want {
					t.Errorf("%q:\n lab:\n%s\n gunicorn + Flask:\n%s", raw, got, want)
				}
			}
		})
	}
}
