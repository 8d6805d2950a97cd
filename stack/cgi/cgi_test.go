package cgi

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/child"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/proctest"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// TestMain lets the test binary run the scripts, as the lab's binary
// does, and one of the tests' own: big.
func TestMain(m *testing.M) {
	scripts["big"] = big
	child.Register(role("big"), func() int { return big(os.LookupEnv, os.Stdin, os.Stdout) })
	if child.Is() {
		os.Exit(child.Run())
	}
	if os.Getenv(envTestLab) != "" {
		runTestLab()
	}
	goleak.VerifyTestMain(m)
}

// startTraced starts a server that records into a subscription, and
// stops it when the test ends.
func startTraced(t *testing.T) (*Server, *trace.Subscription) {
	t.Helper()
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	s := New(stack.Config{Trace: rec})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); sub.Close() })
	return s, sub
}

func TestServer(t *testing.T) {
	s, _ := startTraced(t)
	tests := []struct {
		name string
		raw  string
		want []string
	}{
		{name: "hello", raw: "GET /cgi-bin/hello HTTP/1.0\r\n\r\n",
			want: []string{"HTTP/1.0 200 OK\r\nServer: " + Software + "\r\nDate: ", "\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nHello, World! (from CGI)\n"}},
		{name: "the environment", raw: "POST /cgi-bin/env/a%20b?x=1&y=%41 HTTP/1.1\r\nHost: localhost\r\nAccept: a\r\nAccept: b\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
			want: []string{"CONTENT_LENGTH=5\n", "CONTENT_TYPE=text/plain\n", "GATEWAY_INTERFACE=CGI/1.1\n", "PATH_INFO=/a b\n",
				"QUERY_STRING=x=1&y=%41\n", "REMOTE_ADDR=127.0.0.1\n", "REQUEST_METHOD=POST\n", "REQUEST_URI=/cgi-bin/env/a%20b?x=1&y=%41\n",
				"SCRIPT_NAME=/cgi-bin/env\n", "SERVER_PROTOCOL=HTTP/1.1\n", "HTTP_ACCEPT=a, b\nHTTP_HOST=localhost\n",
				`read 5 bytes of body: "hello"`}},
		{name: "no such script", raw: "GET /cgi-bin/sh HTTP/1.0\r\n\r\n", want: []string{"HTTP/1.0 404 Not Found\r\n"}},
		{name: "a path out of cgi-bin", raw: "GET /cgi-bin/../../bin/sh HTTP/1.0\r\n\r\n", want: []string{"HTTP/1.0 404 Not Found\r\n"}},
		{name: "not cgi-bin", raw: "GET /bin/sh HTTP/1.0\r\n\r\n", want: []string{"HTTP/1.0 404 Not Found\r\n"}},
		{name: "not HTTP", raw: "GARBAGE\r\n\r\n", want: []string{"HTTP/1.0 400 Bad Request\r\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := capture.RoundTrip(t, s.Addr(), tt.raw)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("answer lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

// TestNewProcessPerRequest checks that every request is served by a
// process of its own, as the server's log names them.
func TestNewProcessPerRequest(t *testing.T) {
	s, sub := startTraced(t)
	for range 3 {
		if got := capture.RoundTrip(t, s.Addr(), "GET /cgi-bin/hello HTTP/1.0\r\n\r\n"); !strings.HasSuffix(got, "\r\n\r\nHello, World! (from CGI)\n") {
			t.Fatalf("answer %q", got)
		}
	}
	seen := map[string]bool{}
	for _, e := range sub.TryNext(0) {
		m := startedPID.FindStringSubmatch(string(e.Data))
		if e.Kind != trace.KindLog || m == nil {
			continue
		}
		if seen[m[1]] || m[1] == strconv.Itoa(os.Getpid()) {
			t.Errorf("pid %s served twice, or is the server's own", m[1])
		}
		seen[m[1]] = true
	}
	if len(seen) != 3 {
		t.Errorf("%d scripts started for 3 requests", len(seen))
	}
}

var startedPID = regexp.MustCompile(`^started /cgi-bin/hello as pid (\d+)$`)

func TestParseOutput(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	head := "Server: " + Software + "\r\nDate: Fri, 02 Jan 2026 03:04:05 GMT\r\n"
	tests := []struct {
		name, out, want, wantErr string
	}{
		{name: "LF line ends", out: "Content-Type: text/plain\n\nhi\n",
			want: "HTTP/1.0 200 OK\r\n" + head + "Content-Type: text/plain\r\nConnection: close\r\n\r\nhi\n"},
		{name: "Status", out: "Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno",
			want: "HTTP/1.0 404 Not Found\r\n" + head + "Content-Type: text/plain\r\nConnection: close\r\n\r\nno"},
		{name: "Location is a redirect", out: "Location: /x\n\n",
			want: "HTTP/1.0 302 Found\r\n" + head + "Location: /x\r\nConnection: close\r\n\r\n"},
		{name: "no empty line", out: "Content-Type: text/plain\nhi", wantErr: "ended before the empty line"},
		{name: "no header", out: "\nhi", wantErr: "no header"},
		{name: "not a header", out: "Hello, World!\n\n", wantErr: "malformed header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseOutput([]byte(tt.out), now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("parseOutput = %q, %v\nwant %q", got, err, tt.want)
			}
		})
	}
}

func FuzzParseOutput(f *testing.F) {
	f.Add([]byte("Content-Type: text/plain\n\nhi\n"))
	f.Add([]byte("Status: 500 x\r\nLocation: /\r\n\r\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		got, err := parseOutput(out, time.Now())
		if err == nil && !strings.HasPrefix(string(got), "HTTP/1.0 ") {
			t.Errorf("parseOutput(%q) = %q", out, got)
		}
	})
}

func TestParseTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw string
		want      target
		ok        bool
	}{
		{name: "a script", raw: "/cgi-bin/env", want: target{script: "env"}, ok: true},
		{name: "path info and query", raw: "/cgi-bin/env/a/b%2Fc?q=1", want: target{script: "env", pathInfo: "/a/b/c", query: "q=1"}, ok: true},
		{name: "unknown", raw: "/cgi-bin/rm"},
		{name: "a path", raw: "/cgi-bin//bin/sh"},
		{name: "dot dot", raw: "/cgi-bin/../env"},
		{name: "outside", raw: "/env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseTarget(tt.raw)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseTarget(%q) = %+v, %v; want %+v, %v", tt.raw, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestCloseKillsTheScript checks that a server closed while a script
// runs leaves no process behind.
func TestCloseKillsTheScript(t *testing.T) {
	s, sub := startTraced(t)
	done := make(chan string, 1)
	go func() { done <- capture.RoundTrip(t, s.Addr(), "GET /cgi-bin/slow?seconds=30 HTTP/1.0\r\n\r\n") }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pid := 0
	for pid == 0 {
		evs, err := sub.Next(ctx, 0)
		if err != nil {
			t.Fatalf("the script never started: %v", err)
		}
		for _, e := range evs {
			if m := startedSlow.FindStringSubmatch(string(e.Data)); m != nil {
				pid, _ = strconv.Atoi(m[1])
			}
		}
	}
	s.Close() // returns once the script's goroutine is done
	if proctest.Running(pid) {
		t.Errorf("script pid %d still runs after Close", pid)
	}
	if got := <-done; got != "" {
		t.Errorf("answer %q after Close, want none", got)
	}
	// Killed by Close, not by the Timeout that would have come later.
	want := fmt.Sprintf("pid %d ended: signal: killed after", pid)
	if runtime.GOOS == "windows" { // no signals: TerminateProcess leaves exit code 1
		want = fmt.Sprintf("pid %d exited with status 1 after", pid)
	}
	if text := logText(sub.TryNext(0)); !strings.Contains(text, want) {
		t.Errorf("no %q in the log:\n%s", want, text)
	}
}

var startedSlow = regexp.MustCompile(`^started /cgi-bin/slow as pid (\d+)$`)

func logText(evs []trace.Event) string {
	var b strings.Builder
	for _, e := range evs {
		if e.Kind == trace.KindLog {
			fmt.Fprintf(&b, "%s\n", e.Data)
		}
	}
	return b.String()
}
