package proxy

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// connsConf is nginx with room for few connections: of its 8, one is the
// listening socket and one the channel to the master, so 6 are left for
// clients and upstreams.
const connsConf = `daemon off;
worker_processes 1;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log info;
events { worker_connections 8; }
http {
    access_log {{dir}}/access.log;
    client_body_temp_path {{dir}}/body;
    proxy_temp_path {{dir}}/proxy;
    fastcgi_temp_path {{dir}}/fastcgi;
    uwsgi_temp_path {{dir}}/uwsgi;
    scgi_temp_path {{dir}}/scgi;
    server {
        listen {{addr}};
        root {{dir}}/html;
        location /app/ { proxy_pass http://{{upstream}}; }
    }
}
`

// connsScenario is a way of running out of worker_connections: run
// makes the clients do their part and returns what each got; access is
// how many access log lines the server writes meanwhile.
type connsScenario struct {
	name   string
	access int
	run    func(t *testing.T, addr string) []string
}

const (
	partialHead = "GET / HTTP/1.1\r\n"
	headRest    = "Host: localhost\r\nConnection: close\r\n\r\n"
)

var connsScenarios = []connsScenario{
	// Clients that connect and say nothing: as more come, the ones that
	// waited longest are closed to make room.
	{"idle", 6, func(t *testing.T, addr string) []string {
		cs := dialEach(t, addr, 12, "")
		return finishEach(t, cs, partialHead+headRest)
	}},
	// Clients in the middle of their request head: none can give way, so
	// the connections beyond the table are closed at once.
	{"busy", 6, func(t *testing.T, addr string) []string {
		cs := dialEach(t, addr, 8, partialHead)
		return finishEach(t, cs, headRest)
	}},
	// Five busy clients and one to proxy: its upstream connection finds
	// no slot, and the answer is 500.
	{"upstream", 6, func(t *testing.T, addr string) []string {
		cs := dialEach(t, addr, 5, partialHead)
		out := []string{"proxied: " + outcome(ask(t, addr, "GET /app/x HTTP/1.0\r\n\r\n", time.Second))}
		return append(out, finishEach(t, cs, headRest)...)
	}},
}

// dialEach connects n clients one after another, each sending first.
func dialEach(t *testing.T, addr string, n int, first string) []net.Conn {
	t.Helper()
	var cs []net.Conn
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if first != "" {
			if _, err := c.Write([]byte(first)); err != nil {
				t.Fatal(err)
			}
		}
		cs = append(cs, c)
		time.Sleep(50 * time.Millisecond) // the server has accepted it
	}
	time.Sleep(200 * time.Millisecond)
	return cs
}

// finishEach sends rest on each client in turn and says what came back.
func finishEach(t *testing.T, cs []net.Conn, rest string) []string {
	t.Helper()
	var out []string
	for i, c := range cs {
		c.Write([]byte(rest))
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		var got []byte
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					got = append(got, "<still open>"...)
				}
				break
			}
		}
		out = append(out, strconv.Itoa(i)+": "+outcome(got))
	}
	return out
}

// outcome is an answer's status line, or what happened instead.
func outcome(answer []byte) string {
	line, _, _ := strings.Cut(string(answer), "\r\n")
	if line == "" {
		return "closed with no answer"
	}
	return line
}

// TestWorkerConnections runs each scenario against the proxy and compares
// what the clients got and the logs with nginx's, as captured in
// testdata/interop/worker-connections-*.txt. When nginx is installed it
// runs the scenarios too and must still give the captures (-update
// rewrites them).
func TestWorkerConnections(t *testing.T) {
	up := startUpstream(t)
	for _, sc := range connsScenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Run("proxy", func(t *testing.T) {
				dir := t.TempDir()
				if err := os.MkdirAll(filepath.Join(dir, "html"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "html", "index.html"), []byte("hi\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				conf := strings.NewReplacer("{{dir}}", filepath.ToSlash(dir), "{{addr}}", "127.0.0.1:8080", "{{upstream}}", up.addr()).Replace(connsConf)
				p := startProxy(t, conf, nil)
				clients := sc.run(t, p.Addr().String())
				compareConns(t, sc.name, clients, proxyLogLines(t, p, sc.access))
			})
			t.Run("nginx", func(t *testing.T) {
				n := nginxtest.Start(t, nginxtest.Options{Conf: connsConf, Vars: map[string]string{"upstream": up.addr()},
					Files: map[string]string{"html/index.html": "hi\n"}, AnyVersion: *update})
				logs := &nginxLogs{dir: n.Dir}
				clients := sc.run(t, n.Addr)
				lines := logs.await()
				if *update {
					if err := os.WriteFile(connsCapturePath(sc.name), []byte(connsCapture(clients, lines)), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				compareConns(t, sc.name, clients, lines)
			})
			up.take()
		})
	}
}

func connsCapturePath(name string) string {
	return filepath.Join("testdata", "interop", "worker-connections-"+name+".txt")
}

// proxyLogLines waits for the proxy's access log lines, access of them,
// and returns its log lines as nginxLogs does.
func proxyLogLines(t *testing.T, p *testProxy, access int) string {
	t.Helper()
	var acc, errs []string
	deadline := time.Now().Add(3 * time.Second)
	for len(acc) < access && time.Now().Before(deadline) {
		for _, e := range p.sub.TryNext(0) {
			switch {
			case e.Kind != trace.KindLog:
			case e.Name == "access_log":
				acc = append(acc, string(e.Data))
			case e.Name == "error_log":
				errs = append(errs, string(e.Data))
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return formatLogs(acc, errs, p.token(nil))
}

// serverStamp is the start of an error log line about no connection.
var serverStamp = regexp.MustCompile(`(?m)\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[(\w+)\] \d+#\d+: `)

// connsCapture is what a scenario gave: each client's outcome, and the
// logs, the lines that are no connection's own normalized too, and
// "reusing connections", which nginx logs once a second, once.
func connsCapture(clients []string, logs string) string {
	logs = serverStamp.ReplaceAllString(logs, "<date> [$1] <pid>#<pid>: ")
	var lines []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.HasSuffix(l, "reusing connections") && len(lines) > 0 && lines[len(lines)-1] == l {
			continue
		}
		lines = append(lines, l)
	}
	return "=== clients\n" + strings.Join(clients, "\n") + "\n=== logs\n" + strings.Join(lines, "\n") + "\n"
}

func compareConns(t *testing.T, name string, clients []string, logs string) {
	t.Helper()
	want, err := os.ReadFile(connsCapturePath(name))
	if err != nil {
		t.Fatalf("%v (run the test with nginx installed and -update to capture it)", err)
	}
	if got := connsCapture(clients, logs); got != string(want) {
		t.Errorf("got\n%s\nnginx's capture\n%s", got, want)
	}
}

// TestConnTableReusesAsNginx fills a table with clients that each wait
// for a request, and counts those closed to make room: nginx 1.22.1 with
// the talk's 1024 (two listening sockets and the channel kept) closed 64
// of a thousand; with 8 (one socket), 6 of 12, as captured.
func TestConnTableReusesAsNginx(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                             string
		total, reserved, clients, reused int
	}{
		{name: "the talk's 1024, a thousand clients", total: 1024, reserved: 3, clients: 1000, reused: 64},
		{name: "the talk's 1024, nine hundred clients", total: 1024, reserved: 3, clients: 900, reused: 0},
		{name: "the capture's 8", total: 8, reserved: 2, clients: 12, reused: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var warnings int
			table := newConnTable(tt.total, tt.reserved, func(level logLevel, msg string) {
				if level == levelWarn && msg == fmt.Sprintf("%d worker_connections are not enough, reusing connections", tt.total) {
					warnings++
				}
			})
			var cs []*conn
			for range tt.clients {
				if !table.get() {
					t.Fatal("no slot, with connections waiting to give way")
				}
				client, server := net.Pipe()
				defer client.Close()
				c := &conn{nc: server}
				table.wait(c)
				cs = append(cs, c)
			}
			reused := 0
			for _, c := range cs {
				if !table.busy(c) {
					reused++
				}
			}
			if reused != tt.reused || (reused > 0) != (warnings > 0) {
				t.Errorf("%d reused, %d warnings; want %d reused", reused, warnings, tt.reused)
			}
		})
	}
}

// TestSlotsOf checks what the talk's configurations leave to clients:
// two listening sockets (8080 and [::]:8080) and the channel to the
// master, out of 1024.
func TestSlotsOf(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"part-1", "part-2"} {
		c, err := LoadEmbedded(name)
		if err != nil {
			t.Fatal(err)
		}
		if total, reserved := slotsOf(c); total != 1024 || reserved != 3 {
			t.Errorf("%s: %d slots, %d reserved; want 1024 and 3", name, total, reserved)
		}
	}
}
