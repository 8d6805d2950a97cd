package kinds_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/internal/peer"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/proxy"
)

// The talk's demo of part V, twice: Debian's nginx in front of gunicorn
// (2 sync workers) serving the talk's Flask app, and lesson 6's stack, the
// lab's proxy in front of its pre-fork server serving the framework's
// version of the app. The same requests go to both, and a relay between
// each front and its app server shows the second hop's bytes, so both
// hops are compared: status lines, request lines, and header names in
// their order and case.

// relay forwards each connection to target and keeps, for the last one,
// the bytes that went each way.
type relay struct {
	ln     net.Listener
	target string

	mu        sync.Mutex
	down, up  []byte
	wg        sync.WaitGroup
	lastReady chan struct{}
}

func newRelay(t *testing.T, target string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln, target: target}
	r.wg.Add(1)
	go r.serve()
	t.Cleanup(func() { ln.Close(); r.wg.Wait() })
	return r
}

func (r *relay) serve() {
	defer r.wg.Done()
	for {
		in, err := r.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", r.target)
		if err != nil {
			in.Close()
			continue
		}
		ready := make(chan struct{})
		r.mu.Lock()
		r.down, r.up, r.lastReady = nil, nil, ready
		r.mu.Unlock()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer close(ready)
			var pipes sync.WaitGroup
			pipes.Add(2)
			go func() { defer pipes.Done(); r.copy(out, in, true) }()
			go func() { defer pipes.Done(); r.copy(in, out, false) }()
			pipes.Wait()
			in.Close()
			out.Close()
		}()
	}
}

// copy moves bytes from src to dst, keeping them, and half-closes dst at
// the end of src.
func (r *relay) copy(dst, src net.Conn, down bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			r.mu.Lock()
			if down {
				r.down = append(r.down, buf[:n]...)
			} else {
				r.up = append(r.up, buf[:n]...)
			}
			r.mu.Unlock()
			dst.Write(buf[:n])
		}
		if err != nil {
			if tc, ok := dst.(*net.TCPConn); ok {
				tc.CloseWrite()
			}
			return
		}
	}
}

// last returns the request and the answer of the last connection, once
// it is over.
func (r *relay) last(t *testing.T) (req, resp string) {
	t.Helper()
	r.mu.Lock()
	ready := r.lastReady
	r.mu.Unlock()
	if ready == nil {
		t.Fatal("no connection went through the relay")
	}
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the relayed connection never ended")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.down), string(r.up)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(t *testing.T, addr string, what string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("%s never listened on %s", what, addr)
}

// start runs a real program and stops it by its PID when the test ends.
func start(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.Process.Signal(syscall.SIGTERM) != nil {
			cmd.Process.Kill() // Windows has no SIGTERM to send
		}
		cmd.Wait()
	})
}

// realStack starts gunicorn with a Flask app of testdata/flask/apps.py
// ("application", the talk's) and nginx in front of it with the talk's
// part II configuration as the lab ships it (stack/proxy/configs/part-2),
// through a relay: only where it listens, its upstream's address and
// nginx's own paths change. It returns nginx's address and the relay.
func realStack(t *testing.T, app string) (string, *relay) {
	t.Helper()
	for _, tool := range []string{"nginx", "gunicorn"} {
		if _, err := exec.LookPath(tool); err != nil {
			peer.Missing(t, "%s is not installed: apt-get install nginx gunicorn python3-flask to compare lesson 6's stack with the real one", tool)
		}
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import flask").Run(); err != nil {
		peer.Missing(t, "Flask is not installed for gunicorn's python: apt-get install python3-flask")
	}
	gun, front := freeAddr(t), freeAddr(t)
	// The talk's Flask app, as the framework's own interop tests serve it.
	apps, _ := filepath.Abs(filepath.Join("..", "framework", "testdata", "flask"))
	g := exec.Command("gunicorn", "--chdir", apps, "-w", "2", "-b", gun, "apps:"+app)
	g.Env = append(os.Environ(), "PYTHONHASHSEED=0")
	start(t, g)
	waitFor(t, gun, "gunicorn")
	rl := newRelay(t, gun)
	// nginx's workers may run as another user (nobody): the directory
	// and those above it must be open to all, which t.TempDir's are not.
	dir, err := os.MkdirTemp("", "talk-nginx-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := proxy.WriteEmbedded("part-2", dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "conf", "nginx.conf")
	talk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(
		"listen 8080 default_server;", "listen "+front+" default_server;",
		"listen [::]:8080 default_server ipv6only=on;", "",
		"server 127.0.0.1:8000", "server "+rl.ln.Addr().String(),
		"http {", fmt.Sprintf("http {\n    client_body_temp_path %[1]s/body; proxy_temp_path %[1]s/proxy;\n"+
			"    fastcgi_temp_path %[1]s/fastcgi; uwsgi_temp_path %[1]s/uwsgi; scgi_temp_path %[1]s/scgi;", dir),
	).Replace(string(talk))
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	start(t, exec.Command("nginx", "-p", dir, "-c", path, "-e", filepath.Join(dir, "logs", "error.log"),
		"-g", "daemon off; pid "+filepath.Join(dir, "nginx.pid")+";"))
	waitFor(t, front, "nginx")
	return front, rl
}

// labStack starts lesson 6's stack, made by the layers' kinds as the
// lesson makes it, with a relay between the proxy and the pre-fork
// server. It returns the proxy's address and the relay.
func labStack(t *testing.T, app string) (string, *relay) {
	t.Helper()
	pk, _ := kinds.Lookup("prefork")
	xk, _ := kinds.Lookup("proxy")
	if err := prefork.Supported(); err != nil {
		t.Skipf("the lab's lesson 6 stack needs the pre-fork server: %v", err)
	}
	var layers stack.Stack
	t.Cleanup(func() { layers.StopAll(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	pf, err := pk.New(stack.Config{Name: "prefork"}, map[string]string{"app": app, "workers": "2", "hooks": "none"})
	if err == nil {
		err = layers.Start(ctx, pf)
	}
	if err != nil {
		t.Fatal(err)
	}
	rl := newRelay(t, pf.Addr().String())
	px, err := xk.New(stack.Config{Name: "proxy", Peers: map[string]string{"127.0.0.1:8000": rl.ln.Addr().String()}},
		map[string]string{"config": "part-2"})
	if err == nil {
		err = layers.Start(ctx, px)
	}
	if err != nil {
		t.Fatal(err)
	}
	return px.Addr().String(), rl
}

// head is a message's first line and its header names, in order and
// case: what must be the same.
func head(t *testing.T, msg string, request bool, method string) string {
	t.Helper()
	r := http1.NewReader(strings.NewReader(msg), http1.Limits{UnderscoresInHeaders: true})
	var first string
	var h http1.Headers
	if request {
		req, err := r.ReadRequest()
		if err != nil {
			t.Fatalf("reading the request %q: %v", msg, err)
		}
		first, h = req.Method+" "+req.Target+" "+req.Proto, req.Headers
	} else {
		resp, err := r.ReadResponse(method)
		if err != nil {
			t.Fatalf("reading the answer %q: %v", msg, err)
		}
		first, h = fmt.Sprintf("%s %d %s", resp.Proto, resp.Status, resp.Reason), resp.Headers
		body, _ := io.ReadAll(resp.Body)
		defer func() { first += fmt.Sprintf(" (a body of %d bytes)", len(body)) }()
	}
	names := make([]string, len(h))
	for i, f := range h {
		names[i] = f.Name
	}
	return first + " | " + strings.Join(names, ", ")
}

func TestLessonSixStackAsNginxGunicornFlask(t *testing.T) {
	labFront, labRelay := labStack(t, "app:application")
	realFront, realRelay := realStack(t, "application")
	requests := []string{
		"GET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nConnection: close\r\n\r\n",
		"HEAD / HTTP/1.0\r\n\r\n",
		"GET /missing HTTP/1.0\r\n\r\n",
		"POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
		"OPTIONS / HTTP/1.0\r\n\r\n",
		"GET /?name=World HTTP/1.0\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n",
	}
	addr := func(s string) net.Addr { a, _ := net.ResolveTCPAddr("tcp", s); return a }
	for _, raw := range requests {
		t.Run(strings.SplitN(raw, "\r\n", 2)[0], func(t *testing.T) {
			method, _, _ := strings.Cut(raw, " ")
			realAnswer := capture.RoundTrip(t, addr(realFront), raw)
			realUp, realDown := realRelay.last(t)
			labAnswer := capture.RoundTrip(t, addr(labFront), raw)
			labUp, labDown := labRelay.last(t)
			for _, hop := range []struct{ what, lab, real string }{
				{"client <- front", head(t, labAnswer, false, method), head(t, realAnswer, false, method)},
				{"front -> app server", head(t, labUp, true, ""), head(t, realUp, true, "")},
				{"front <- app server", head(t, labDown, false, method), head(t, realDown, false, method)},
			} {
				if hop.lab != hop.real {
					t.Errorf("%s:\n lab  %s\n real %s", hop.what, hop.lab, hop.real)
				}
			}
		})
	}
}

// TestTalksStackAtTheEdges sends requests that reach past the ordinary
// through the talk's stack, real and lab's, serving the Flask tour app,
// and compares every hop byte for byte, but for dates, ports and the
// Server headers: the talk's configuration sends X-Forwarded-For twice;
// gunicorn trusts a client's X-Forwarded-Proto, which nginx passes on,
// so Werkzeug's redirect says https, and two scheme headers that
// disagree get gunicorn's 400; raw bytes in a path reach Flask decoded
// twice.
func TestTalksStackAtTheEdges(t *testing.T) {
	labFront, labRelay := labStack(t, "tour:application")
	realFront, realRelay := realStack(t, "tour")
	requests := []string{
		"GET /hello/x HTTP/1.0\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n",
		"GET /docs HTTP/1.0\r\nHost: localhost:8080\r\nX-Forwarded-Proto: https\r\n\r\n",
		"GET /docs HTTP/1.0\r\nHost: localhost:8080\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\n\r\n",
		"GET /hello/J\xc3\xbcrgen HTTP/1.0\r\n\r\n",
		"GET /static/index.html HTTP/1.0\r\n\r\n",
		"GET /static/ HTTP/1.0\r\n\r\n",
	}
	addr := func(s string) net.Addr { a, _ := net.ResolveTCPAddr("tcp", s); return a }
	for _, raw := range requests {
		t.Run(strings.SplitN(raw, "\r\n", 2)[0], func(t *testing.T) {
			realAnswer := capture.RoundTrip(t, addr(realFront), raw)
			labAnswer := capture.RoundTrip(t, addr(labFront), raw)
			hops := []struct{ what, lab, real string }{{"client <- front", labAnswer, realAnswer}}
			if !strings.HasPrefix(raw, "GET /static/") {
				realUp, realDown := realRelay.last(t)
				labUp, labDown := labRelay.last(t)
				hops = append(hops, struct{ what, lab, real string }{"front -> app server", labUp, realUp},
					struct{ what, lab, real string }{"front <- app server", labDown, realDown})
			}
			for _, hop := range hops {
				if lab, real := capture.Normalize(asNginx(hop.lab)), capture.Normalize(hop.real); lab != real {
					t.Errorf("%s:\n lab  %q\n real %q", hop.what, lab, real)
				}
			}
		})
	}
}

// asNginx signs the proxy's error pages as nginx signs them, with the
// Content-Length to match: the lab adds its name after nginx's.
func asNginx(answer string) string {
	page := "<hr><center>" + proxy.ServerToken + "</center>"
	if !strings.Contains(answer, page) {
		return answer
	}
	head, body, _ := strings.Cut(answer, "\r\n\r\n")
	body = strings.Replace(body, proxy.ServerToken, "nginx/1.22.1", 1)
	head = regexp.MustCompile(`Content-Length: \d+`).ReplaceAllString(head, fmt.Sprintf("Content-Length: %d", len(body)))
	return head + "\r\n\r\n" + body
}
