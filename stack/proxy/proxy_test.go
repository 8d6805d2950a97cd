package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

func TestMain(m *testing.M) {
	if os.Getenv(envTestLab) != "" {
		runTestLab() // never returns: the test kills it
	}
	goleak.VerifyTestMain(m)
}

// testProxy is a proxy started for a test, with the events it recorded.
type testProxy struct {
	*Server
	rec *trace.Recorder
	sub *trace.Subscription
}

// startProxy starts a proxy with the configuration text conf, written to
// a file of its own (so that relative paths start there), on a free port.
func startProxy(t *testing.T, conf string, peers map[string]string) *testProxy {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return startConfig(t, c, peers)
}

func startConfig(t *testing.T, c *Config, peers map[string]string) *testProxy {
	t.Helper()
	rec := trace.NewRecorder(0, 0)
	p := &testProxy{Server: New(stack.Config{Trace: rec, Peers: peers}, c), rec: rec, sub: rec.Subscribe()}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.sub.Close()
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}

// logs returns the log lines recorded since the last call with one of
// the names given ("access_log", "error_log", "note"), by name.
func (p *testProxy) logs(names ...string) map[string][]string {
	out := map[string][]string{}
	for _, e := range p.sub.TryNext(0) {
		if e.Kind == trace.KindLog && slices.Contains(names, e.Name) {
			out[e.Name] = append(out[e.Name], string(e.Data))
		}
	}
	return out
}

// ask sends raw to addr and returns all that comes back until the server
// closes the connection, or until it has been quiet for quiet.
func ask(t testing.TB, addr, raw string, quiet time.Duration) []byte {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A server may answer and close before it has read a long request, so
	// write and read at once.
	go func() { _, _ = io.WriteString(conn, raw) }()
	var got []byte
	buf := make([]byte, 64<<10)
	for {
		conn.SetReadDeadline(time.Now().Add(quiet))
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		var ne net.Error
		switch {
		case err == nil:
		case errors.As(err, &ne) && ne.Timeout():
			return append(got, "<still open>"...)
		case errors.Is(err, io.EOF), errno.Is(err, errno.ECONNRESET):
			return got
		default:
			t.Fatalf("reading the answer: %v", err)
		}
	}
}

// upstream is a small HTTP server for proxy tests that records every
// request it receives and answers by the request path's last segment.
type upstream struct {
	ln   net.Listener
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	got  []string
	slow time.Duration
}

// answers are the upstream's canned answers, by the request path's last
// segment; any other path gets "hello".
var answers = map[string]string{
	"hello":    "HTTP/1.0 200 OK\r\nContent-type: text/plain\r\nContent-Length: 30\r\n\r\nHello, World! (from Gunicorn)\n",
	"raw":      "HTTP/1.1 200 OK\n\nHello, World! (from a raw socket)\n",
	"hdrs":     "HTTP/1.1 201 Fine\r\nServer: gunicorn\r\nDate: Mon, 01 Jan 2001 00:00:00 GMT\r\nX-B: 1\r\nSet-Cookie: a=1\r\nContent-Type: text/html\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nSet-Cookie: b=2\r\nLast-Modified: Mon, 01 Jan 2001 00:00:00 GMT\r\nContent-Length: 2\r\nX-A: 2\r\nLocation: /x\r\nAccept-Ranges: bytes\r\nETag: \"e\"\r\nVary: Accept\r\nX-Pad: p\r\nX-Accel-Buffering: no\r\nTransfer-Encoding: identity\r\n\r\nok",
	"chunked":  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
	"noreason": "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok",
	"odd":      "HTTP/1.1 299 Whatever\r\nContent-Length: 2\r\n\r\nok",
	"09":       "just text no status\n",
	"404":      "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno",
	"badhdr":   "HTTP/1.1 200 OK\r\nX Y: z\r\nContent-Length: 2\r\n\r\nok",
	"redirect": "HTTP/1.0 302 Found\r\nLocation: http://127.0.0.1:8000/elsewhere\r\nContent-Length: 0\r\n\r\n",
	"close":    "",
	"tabs":     "HTTP/1.1 200 OK\r\nX-Tab:\tv\t\r\nContent-Length:\t2\r\n\r\nok",
	"ok":       "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 01 Jan 2001 00:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nbody ok\n",
}

func startUpstream(t testing.TB) *upstream {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &upstream{ln: ln, slow: 2 * time.Second, done: make(chan struct{})}
	u.wg.Add(1)
	go u.serve()
	t.Cleanup(func() {
		close(u.done)
		ln.Close()
		u.wg.Wait()
	})
	return u
}

func (u *upstream) addr() string { return u.ln.Addr().String() }

func (u *upstream) serve() {
	defer u.wg.Done()
	for {
		c, err := u.ln.Accept()
		if err != nil {
			return
		}
		u.wg.Add(1)
		go func() {
			defer u.wg.Done()
			defer c.Close()
			u.handle(c)
		}()
	}
}

// handle reads one request (its head, then Content-Length bytes), records
// it and answers.
func (u *upstream) handle(c net.Conn) {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	var got []byte
	buf := make([]byte, 4096)
	for !strings.Contains(string(got), "\r\n\r\n") {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	head, body, _ := strings.Cut(string(got), "\r\n\r\n")
	var length int
	for _, line := range strings.Split(head, "\r\n") {
		if v, ok := strings.CutPrefix(strings.ToLower(line), "content-length: "); ok {
			fmt.Sscan(v, &length)
		}
	}
	for len(body) < length {
		n, err := c.Read(buf)
		body += string(buf[:n])
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	u.mu.Lock()
	u.got = append(u.got, string(got))
	u.mu.Unlock()
	target := strings.Fields(head + " /")[1]
	target, _, _ = strings.Cut(target, "?")
	last := target[strings.LastIndex(target, "/")+1:]
	if last == "slow" {
		select {
		case <-time.After(u.slow):
		case <-u.done:
		}
	}
	answer, ok := answers[last]
	if !ok {
		answer = answers["hello"]
	}
	c.Write([]byte(answer))
}

// take returns the requests received since the last call.
func (u *upstream) take() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	got := u.got
	u.got = nil
	return got
}
