package proxy

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
)

// uwsgiInteropConf is the configuration nginx and the proxy both run: the
// lesson's location, uwsgi_pass with Debian's uwsgi_params.
const uwsgiInteropConf = `daemon off;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log;
events {}
http {
    access_log off;
    client_body_temp_path {{dir}}/body;
    proxy_temp_path {{dir}}/proxy;
    fastcgi_temp_path {{dir}}/fastcgi;
    uwsgi_temp_path {{dir}}/uwsgi;
    scgi_temp_path {{dir}}/scgi;
    server {
        listen {{addr}};
        server_name localhost;
        root /var/www/html;
        location / {
            include {{dir}}/uwsgi_params;
            uwsgi_pass {{upstream}};
        }
    }
}
`

// TestUwsgiPacketsAgainstNginx sends lesson 8's requests, and a few more,
// through Debian's nginx and through the proxy, each to a listener that
// captures the uwsgi packet and the body after it, and compares the two
// byte for byte, but for the ports, which are each server's own.
func TestUwsgiPacketsAgainstNginx(t *testing.T) {
	cases := []struct{ name, raw string }{
		{"lesson-get", "GET /hello?name=World HTTP/1.0\r\nHost: localhost:8080\r\nUser-Agent: telnet\r\n\r\n"},
		{"lesson-post", "POST /echo HTTP/1.0\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"},
		{"http11-headers", "GET /a%20b/c?x=1&y=%41 HTTP/1.1\r\nHost: Example.COM:8080\r\nAccept: */*\r\nAccept: text/plain\r\nX-Lab: hello\r\nConnection: close\r\n\r\n"},
		{"no-host", "GET / HTTP/1.0\r\n\r\n"},
		{"put-empty-body", "PUT /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"},
	}
	params, err := embedded.ReadFile("configs/conf/uwsgi_params")
	if err != nil {
		t.Fatal(err)
	}
	up := newPacketCapture(t)
	n := nginxtest.Start(t, nginxtest.Options{Conf: uwsgiInteropConf,
		Vars: map[string]string{"upstream": up.ln.Addr().String()}, Files: map[string]string{"uwsgi_params": string(params)}})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "uwsgi_params"), params, 0o644)
	conf := strings.NewReplacer("{{dir}}", filepath.ToSlash(dir), "{{addr}}", "127.0.0.1:8080", "{{upstream}}", up.ln.Addr().String()).Replace(uwsgiInteropConf)
	p := startProxy(t, conf, nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got [2]string
			for i, addr := range []string{n.Addr, p.Addr().String()} {
				answer := ask(t, addr, c.raw, 3*time.Second)
				if !bytes.HasSuffix(answer, []byte("\r\n\r\nhi\n")) {
					t.Fatalf("%s answered %q", addr, answer)
				}
				got[i] = up.take(t, addr)
			}
			if got[0] != got[1] {
				t.Errorf("the packets differ\nnginx:\n%s\nproxy:\n%s", got[0], got[1])
			}
		})
	}
}

// packetCapture is a uwsgi app server that records each packet it reads,
// with the body after it, and answers "hi".
type packetCapture struct {
	ln      net.Listener
	packets chan []byte
}

func newPacketCapture(t *testing.T) *packetCapture {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc := &packetCapture{ln: ln, packets: make(chan []byte, 4)}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			pc.serve(c)
		}
	}()
	return pc
}

func (pc *packetCapture) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	var rec bytes.Buffer
	in := io.TeeReader(c, &rec)
	p, err := uwsgi.Read(in)
	if err != nil {
		pc.packets <- []byte("error: " + err.Error())
		return
	}
	v, _ := p.Get("CONTENT_LENGTH")
	n, _ := strconv.Atoi(v)
	io.CopyN(io.Discard, in, int64(n))
	c.Write([]byte("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nhi\n"))
	pc.packets <- rec.Bytes()
}

// take returns the next packet laid out by uwsgi.Dump, with the port of
// the server it came through, addr, and the client's port made neutral.
func (pc *packetCapture) take(t *testing.T, addr string) string {
	t.Helper()
	var data []byte
	select {
	case data = <-pc.packets:
	case <-time.After(5 * time.Second):
		t.Fatal("no packet came")
	}
	lines, body, ok := uwsgi.Dump(data)
	if !ok {
		t.Fatalf("no uwsgi packet: %q", data)
	}
	_, port, _ := net.SplitHostPort(addr)
	for i, l := range lines {
		switch {
		case strings.Contains(l, " SERVER_PORT "):
			lines[i] = strings.Replace(l, port, "<port>", 1)
		case strings.Contains(l, " REMOTE_PORT "):
			lines[i] = l[:strings.LastIndexByte(l, ' ')+1] + "<port>"
		}
	}
	return fmt.Sprintf("%s\nbody %q", strings.Join(lines, "\n"), body)
}
