package proxy

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
)

// spoolConf proxies /app/ to {{upstream}} and /dead/ to nothing, with
// nginx's default client_body_buffer_size and client_body_temp_path.
const spoolConf = `events { worker_connections 64; }
http {
    access_log off;
    client_max_body_size 100m;
    server {
        listen 8080;
        location /app/ { proxy_pass http://{{upstream}}; }
        location /dead/ { proxy_pass http://{{dead}}; }
    }
}
`

func startSpoolProxy(t *testing.T, up *upstream) (p *testProxy, temp string) {
	t.Helper()
	conf := strings.NewReplacer("{{upstream}}", up.addr(), "{{dead}}", porttest.Refused(t)).Replace(spoolConf)
	p = startProxy(t, conf, nil)
	return p, filepath.Join(filepath.Dir(p.conf.file), "client_body_temp")
}

// post sends a request with a body of n bytes, written from one small
// buffer, and returns the answer's status line.
func post(t *testing.T, addr, target string, n int) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST %s HTTP/1.0\r\nContent-Length: %d\r\n\r\n", target, n)
	go func() {
		piece := make([]byte, 4096)
		for sent := 0; sent < n; sent += len(piece) {
			if _, err := c.Write(piece[:min(len(piece), n-sent)]); err != nil {
				return
			}
		}
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	answer, _ := io.ReadAll(c)
	line, _, _ := strings.Cut(string(answer), "\r\n")
	return line
}

// TestBodyGoesToATemporaryFile posts 100 KiB to a slow upstream: while
// the upstream takes its time, the body is in a file of its own under
// the prefix's client_body_temp, as nginx keeps it; the file goes when
// the request ends, and the error log says where it was.
func TestBodyGoesToATemporaryFile(t *testing.T) {
	up := startUpstream(t)
	up.slow = 500 * time.Millisecond
	p, temp := startSpoolProxy(t, up)
	const size = 100 << 10
	status := make(chan string, 1)
	go func() { status <- post(t, p.Addr().String(), "/app/slow", size) }()
	var files []string
	for deadline := time.Now().Add(5 * time.Second); len(files) == 0 && time.Now().Before(deadline); {
		files, _ = filepath.Glob(filepath.Join(temp, "*"))
		time.Sleep(5 * time.Millisecond)
	}
	if len(files) != 1 || filepath.Base(files[0]) != "0000000001" {
		t.Fatalf("files under %s while the request is in flight: %v, want 0000000001", temp, files)
	}
	if fi, err := os.Stat(files[0]); err != nil || goruntime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("the temporary file: %v, %v; want mode 0600", fi.Mode(), err)
	}
	if got := <-status; got != "HTTP/1.1 200 OK" {
		t.Errorf("answer %q", got)
	}
	if got := up.take(); len(got) != 1 || !strings.HasSuffix(got[0], "\r\n\r\n"+strings.Repeat("\x00", size)) {
		t.Errorf("the upstream did not get the whole body")
	}
	if files, _ := filepath.Glob(filepath.Join(temp, "*")); len(files) != 0 {
		t.Errorf("left behind: %v", files)
	}
	want := regexp.MustCompile(`\[warn\] .* a client request body is buffered to a temporary file .*client_body_temp/0000000001, client: 127\.0\.0\.1`)
	if logs := strings.Join(p.logs(ErrorLogBelow)[ErrorLogBelow], "\n"); !want.MatchString(logs) {
		t.Errorf("no %q among the error log lines below its level (the warning nginx writes at warn):\n%s", want, logs)
	}
}

// TestSmallBodyStaysInMemory posts less than client_body_buffer_size and
// a quarter: no file, no warning, as nginx.
func TestSmallBodyStaysInMemory(t *testing.T) {
	up := startUpstream(t)
	p, temp := startSpoolProxy(t, up)
	if got := post(t, p.Addr().String(), "/app/x", 10239); got != "HTTP/1.1 200 OK" {
		t.Errorf("answer %q", got)
	}
	if _, err := os.Stat(temp); !os.IsNotExist(err) {
		t.Errorf("%s exists (%v): a small body went to a file", temp, err)
	}
	logs := p.logs("error_log", ErrorLogBelow)
	if logs := strings.Join(append(logs["error_log"], logs[ErrorLogBelow]...), "\n"); strings.Contains(logs, "temporary file") {
		t.Errorf("the error log speaks of a temporary file:\n%s", logs)
	}
}

// TestBodyMemory posts 8 MiB, with tracing off, to a location whose
// upstream is down: the proxy reads the whole body first, as nginx does,
// and must allocate a small part of it, not hold 1 MiB of it as it did.
func TestBodyMemory(t *testing.T) {
	up := startUpstream(t)
	conf := strings.NewReplacer("{{upstream}}", up.addr(), "{{dead}}", porttest.Refused(t)).Replace(spoolConf)
	path := filepath.Join(t.TempDir(), "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := startUntraced(t, c)
	goruntime.GC()
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	got := post(t, p.Addr().String(), "/dead/", 8<<20)
	goruntime.ReadMemStats(&after)
	if got != "HTTP/1.1 502 Bad Gateway" {
		t.Errorf("answer %q", got)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 256<<10 {
		t.Errorf("the proxy allocated %d KiB for an 8 MiB body", n>>10)
	}
}

// startUntraced starts a proxy with tracing off, which records nothing,
// and closes it when the test ends.
func startUntraced(t *testing.T, c *Config) *Server {
	t.Helper()
	p := New(stack.Config{}, c)
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// TestIdleConnectionsLetGo keeps 200 connections open after each got a
// 60 KB file: once they have waited longer than holdTime, they hold
// neither their read buffer nor the buffer their answer was built in, as
// nginx frees an idle connection's buffers. Each held 60 KB before.
func TestIdleConnectionsLetGo(t *testing.T) {
	dir := t.TempDir()
	const size = 60_000
	if err := os.MkdirAll(filepath.Join(dir, "html"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "html", "index.html"), make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := "events { worker_connections 1024; } http { access_log off; server { listen 8080; root html; } }"
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(filepath.Join(dir, "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	p := startUntraced(t, c)
	const n = 200
	goruntime.GC()
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	buf := make([]byte, 64<<10)
	for range n {
		c, err := net.Dial("tcp", p.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got := 0
		for got < size {
			m, err := c.Read(buf)
			got += m
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	time.Sleep(holdTime + 250*time.Millisecond)
	goruntime.GC()
	goruntime.ReadMemStats(&after)
	if per := (int64(after.HeapInuse) - int64(before.HeapInuse)) / n; per > 16<<10 {
		t.Errorf("each waiting connection holds %d KB of heap", per>>10)
	}
}
