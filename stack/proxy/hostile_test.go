package proxy

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// hostileConf serves a root with short timeouts, a small body limit and a
// proxied location, for the tests of what clients can do wrong.
const hostileConf = `events {}
http {
    client_header_timeout 1s;
    client_body_timeout 1s;
    send_timeout 1s;
    keepalive_timeout 1s;
    lingering_timeout 1s;
    client_max_body_size 10;
    server {
        listen 8080;
        root {{dir}}/html;
        location /app/ { proxy_pass http://{{upstream}}; }
        location /big/ { client_max_body_size 1m; proxy_pass http://{{upstream}}; }
        location /img { alias {{dir}}/html/; }
    }
}
`

// startHostile starts a proxy with hostileConf, a root holding
// index.html, a 4 MB file, a symlink inside the root and two leading out
// of it, and an upstream. links is nil when the symlinks were made, else
// why the system refused to make them (see symlinkRefused).
func startHostile(t *testing.T) (p *testProxy, up *upstream, links error) {
	t.Helper()
	dir := t.TempDir()
	html := filepath.Join(dir, "html")
	for path, content := range map[string]string{
		"html/index.html": "Hello World (from Nginx)\n",
		"html/big.bin":    strings.Repeat("x", 4<<20),
		"secret.txt":      "secret\n",
	} {
		p := filepath.Join(dir, path)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range map[string]string{"in": "index.html", "out": "../secret.txt", "abs": filepath.Join(dir, "secret.txt"), "gone": "../missing.txt"} {
		if err := os.Symlink(target, filepath.Join(html, name)); symlinkRefused(err) {
			links = err
		} else if err != nil {
			t.Fatal(err)
		}
	}
	up = startUpstream(t)
	conf := strings.NewReplacer("{{dir}}", filepath.ToSlash(dir), "{{upstream}}", up.addr()).Replace(hostileConf)
	return startProxy(t, conf, nil), up, links
}

func TestHostileRequests(t *testing.T) {
	p, _, links := startHostile(t)
	tests := []struct {
		name   string
		raw    string
		status string // the answer's start; "" for no answer at all
		log    string // a line the error log must have
		link   bool   // asks for one of the symlinks
		note   bool   // the journey says nginx would have served it
	}{
		{name: "symlink inside the root", raw: "GET /in HTTP/1.0\r\n\r\n", status: "HTTP/1.1 200 OK", link: true},
		{name: "symlink leading out", raw: "GET /out HTTP/1.0\r\n\r\n", status: "HTTP/1.1 403 Forbidden",
			log: `/html/out" failed (40: Too many levels of symbolic links)`, link: true, note: true},
		{name: "absolute symlink leading out", raw: "GET /abs HTTP/1.0\r\n\r\n", status: "HTTP/1.1 403 Forbidden", link: true, note: true},
		{name: "symlink leading out to nothing", raw: "GET /gone HTTP/1.0\r\n\r\n", status: "HTTP/1.1 404 Not Found",
			log: `/html/gone" failed (2: No such file or directory)`, link: true},
		{name: "alias glued to ../", raw: "GET /img../secret.txt HTTP/1.0\r\n\r\n", status: "HTTP/1.1 403 Forbidden",
			log: `/html/../secret.txt" failed (40: Too many levels of symbolic links)`, note: true},
		{name: "alias glued to ../ and nothing", raw: "GET /img../nope.txt HTTP/1.0\r\n\r\n", status: "HTTP/1.1 404 Not Found"},
		{name: "dot dot", raw: "GET /../secret.txt HTTP/1.0\r\n\r\n", status: "HTTP/1.1 400 Bad Request"},
		{name: "encoded dot dot", raw: "GET /%2e%2e/secret.txt HTTP/1.0\r\n\r\n", status: "HTTP/1.1 400 Bad Request"},
		{name: "encoded slash", raw: "GET /..%2fsecret.txt HTTP/1.0\r\n\r\n", status: "HTTP/1.1 400 Bad Request"},
		{name: "NUL", raw: "GET /index.html%00 HTTP/1.0\r\n\r\n", status: "HTTP/1.1 400 Bad Request"},
		{name: "raw NUL", raw: "GET /index.html\x00 HTTP/1.0\r\n\r\n", status: "HTTP/1.1 400 Bad Request"},
		{name: "body over the limit", raw: "POST /app/ HTTP/1.0\r\nContent-Length: 11\r\n\r\n01234567890", status: "HTTP/1.1 413"},
		{name: "chunked body over the limit", raw: "POST /app/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n01234567890\r\n0\r\n\r\n", status: "HTTP/1.1 413",
			log: "client intended to send too large chunked body: 11 bytes"},
		{name: "bad chunk", raw: "POST /app/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", status: "HTTP/1.1 400"},
		{name: "request line too long", raw: "GET /" + strings.Repeat("a", 9000) + " HTTP/1.0\r\n\r\n", status: "HTTP/1.1 414"},
		{name: "headers too large", raw: "GET / HTTP/1.0\r\nX: " + strings.Repeat("a", 9000) + "\r\n\r\n", status: "HTTP/1.1 400"},
		{name: "garbage", raw: "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", status: "HTTP/1.1 400"},
		{name: "half a head then silence", raw: "GET / HTTP/1.1\r\nHost: x\r\n", status: ""},
		{name: "a client that never sends", raw: "", status: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.link && links != nil {
				t.Skipf("this system refused to make the symlinks: %v", links)
			}
			start := time.Now()
			got := string(ask(t, p.Addr().String(), tt.raw, 4*time.Second))
			if !strings.HasPrefix(got, tt.status) || tt.status == "" && got != "" {
				t.Errorf("answered %.80q, want %q", got, tt.status)
			}
			if strings.Contains(got, "secret") {
				t.Error("served a file from outside the root")
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v: a timeout of 1s did not end it", d)
			}
			logs := p.logs("error_log", "note")
			if errs := strings.Join(logs["error_log"], "\n"); !strings.Contains(errs, tt.log) {
				t.Errorf("error log lacks %q:\n%s", tt.log, errs)
			}
			if notes := strings.Join(logs["note"], "\n"); tt.note != strings.Contains(notes, "nginx would have served this") {
				t.Errorf("the journey's notes, where one must say nginx would have served it (%v): %q", tt.note, notes)
			}
		})
	}
}

func TestSlowClientIsServed(t *testing.T) {
	p, _, _ := startHostile(t)
	c, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, b := range []byte("GET / HTTP/1.0\r\n\r\n") {
		c.Write([]byte{b})
		time.Sleep(10 * time.Millisecond)
	}
	c.SetDeadline(time.Now().Add(3 * time.Second))
	got, _ := io.ReadAll(c)
	if !strings.HasPrefix(string(got), "HTTP/1.1 200 OK") {
		t.Errorf("answered %.60q", got)
	}
}

// TestSlowReaderTimesOut asks for a 4 MB file and never reads it: after
// send_timeout the proxy gives up and closes.
func TestSlowReaderTimesOut(t *testing.T) {
	p, _, _ := startHostile(t)
	c, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(4096)
	c.Write([]byte("GET /big.bin HTTP/1.0\r\n\r\n"))
	time.Sleep(2500 * time.Millisecond)
	c.SetDeadline(time.Now().Add(3 * time.Second))
	n, _ := io.Copy(io.Discard, c)
	if n >= 4<<20 {
		t.Errorf("read the whole file (%d bytes) after send_timeout", n)
	}
}

func TestKeepaliveTimeout(t *testing.T) {
	p, _, _ := startHostile(t)
	start := time.Now()
	got := ask(t, p.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 3*time.Second)
	if !strings.Contains(string(got), "Connection: keep-alive") || strings.HasSuffix(string(got), "<still open>") {
		t.Errorf("answered %q", got)
	}
	if d := time.Since(start); d < 900*time.Millisecond || d > 2500*time.Millisecond {
		t.Errorf("the kept-alive connection closed after %v, keepalive_timeout is 1s", d)
	}
}

// TestHeadInPiecesKeptAlive sends a kept-alive connection's second
// request head in two pieces, the second after the 250 ms a waiting
// connection keeps its buffer (holdTime) and within client_header_timeout:
// the proxy must wait for the rest by that timeout, with or without blank
// lines before the request line, though it arms none for a head that has
// all come.
func TestHeadInPiecesKeptAlive(t *testing.T) {
	p, _, _ := startHostile(t)
	for _, first := range []string{"GET / HTTP/1.1\r\n", "\r\n\r\nGET / HTTP/1.1\r\n"} {
		nc, err := net.Dial("tcp", p.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(5 * time.Second))
		rd := http1.NewReader(bufio.NewReader(nc), http1.NginxLimits())
		for i, pieces := range [][]string{{"GET / HTTP/1.1\r\nHost: x\r\n\r\n"}, {first, "Host: x\r\n\r\n"}} {
			for k, piece := range pieces {
				if k > 0 {
					time.Sleep(holdTime + 150*time.Millisecond)
				}
				if _, err := io.WriteString(nc, piece); err != nil {
					t.Fatal(err)
				}
			}
			resp, err := rd.ReadResponse("GET")
			if err != nil {
				t.Fatalf("%q, request %d: %v", first, i+1, err)
			}
			io.Copy(io.Discard, resp.Body)
			if resp.Status != 200 {
				t.Errorf("%q, request %d: status %d", first, i+1, resp.Status)
			}
		}
	}
}

// TestCloseEndsEverything closes the proxy with connections in every
// state: idle, half a head, waiting on a silent upstream. Close must
// return promptly, and goleak (TestMain) checks no goroutine stays.
func TestCloseEndsEverything(t *testing.T) {
	p, up, _ := startHostile(t)
	up.slow = time.Minute
	addr := p.Addr().String()
	var conns []net.Conn
	for _, raw := range []string{"", "GET / HTTP/1.1\r\n", "GET /app/slow HTTP/1.0\r\n\r\n"} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte(raw))
		conns = append(conns, c)
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	for _, c := range conns {
		c.SetDeadline(time.Now().Add(time.Second))
		if _, err := io.ReadAll(c); err != nil {
			t.Errorf("connection not closed: %v", err)
		}
	}
}

// TestShutdownWaitsForRequests shuts down while an idle connection and a
// request in flight are open: the idle one is closed at once, the request
// is answered.
func TestShutdownWaitsForRequests(t *testing.T) {
	p, up, _ := startHostile(t)
	up.slow = 300 * time.Millisecond
	idle, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	answer := make(chan []byte)
	go func() { answer <- ask(t, p.Addr().String(), "GET /app/slow HTTP/1.0\r\n\r\n", 3*time.Second) }()
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if got := <-answer; !strings.HasPrefix(string(got), "HTTP/1.1 200 OK") {
		t.Errorf("the request in flight got %.60q", got)
	}
	idle.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.ReadAll(idle); err != nil {
		t.Errorf("the idle connection was not closed: %v", err)
	}
}
