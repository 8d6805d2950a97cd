package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// TestUpstreamHeadersLogged logs $upstream_http_x_tag for requests on
// several kept-alive connections at once. An upstream's answer is made
// in the memory of the one its reader read before (http1.Reader.Reuse),
// which the request holds until its access log line is written: each
// line must carry its own answer's header. A request that let that
// memory go first shows, under the race detector (as .ci/run runs the
// tests), as a race with the next trip that reads into it.
func TestUpstreamHeadersLogged(t *testing.T) {
	up := tagUpstream(t)
	dir := t.TempDir()
	p := startProxy(t, fmt.Sprintf(`events {}
http {
    log_format tags "$request_uri $upstream_http_x_tag";
    access_log %s/access.log tags;
    server {
        listen 8080;
        location / { proxy_pass http://%s; }
    }
}
`, dir, up), nil)
	const clients, requests = 32, 100
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			nc, err := net.Dial("tcp", p.Addr().String())
			if err != nil {
				t.Error(err)
				return
			}
			defer nc.Close()
			nc.SetDeadline(time.Now().Add(10 * time.Second))
			rd := http1.NewReader(bufio.NewReader(nc), http1.NginxLimits())
			for i := range requests {
				fmt.Fprintf(nc, "GET /tag-%d-%d HTTP/1.1\r\nHost: x\r\n\r\n", c, i)
				resp, err := rd.ReadResponse("GET")
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
			}
		})
	}
	wg.Wait()
	var lines []string
	for deadline := time.Now().Add(3 * time.Second); len(lines) < clients*requests && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		b, _ := os.ReadFile(filepath.Join(dir, "access.log"))
		lines = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	if len(lines) != clients*requests {
		t.Fatalf("%d access log lines, want %d", len(lines), clients*requests)
	}
	for _, line := range lines {
		if uri, tag, _ := strings.Cut(line, " "); tag != uri {
			t.Errorf("logged %q: the upstream's X-Tag was %s", line, uri)
		}
	}
}

// tagUpstream answers each request with its path in an X-Tag header,
// until the test ends, and returns its address. It answers each
// connection in a goroutine of its own, where helloUpstream answers one
// after another: trips upstream that overlap are what shows an answer's
// memory let go too early (with helloUpstream the race showed in 4 of 6
// runs, with this in 6 of 6).
func tagUpstream(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				req, err := http1.NewReader(c, http1.NginxLimits()).ReadRequest()
				if err != nil {
					return
				}
				fmt.Fprintf(c, "HTTP/1.0 200 OK\r\nX-Tag: %s\r\nContent-Length: 2\r\n\r\nok", req.Target)
			})
		}
	})
	return ln.Addr().String()
}
