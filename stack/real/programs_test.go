package real

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/peer"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/proctest"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// progs is the real programs on this machine, found once.
var progs = NewPrograms(Paths{})

// need ends the test when prog is not on this machine, saying how to
// install it, or when the real programs do not run on this system.
func need(t *testing.T, prog Program) *Found {
	t.Helper()
	if err := Supported(); err != nil {
		t.Skip(err)
	}
	f, err := progs.Find(prog)
	var missing *MissingError
	if errors.As(err, &missing) {
		peer.Missing(t, "%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// run starts l, recording into a new recorder, and stops it when the
// test ends.
func run(t *testing.T, l stack.Layer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pids := l.PIDs()
		// gunicorn's workers end on their own time: up to a few seconds
		// on a busy machine.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := l.Shutdown(ctx); err != nil {
			t.Errorf("stopping %s: %v", l.Name(), err)
		}
		for _, pid := range pids {
			if !proctest.WaitGone(pid, 5*time.Second) {
				t.Errorf("%s: pid %d still runs after the layer stopped", l.Name(), pid)
			}
		}
	})
}

// ask sends raw to addr and returns all that came back.
func ask(t *testing.T, addr net.Addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, raw)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, _ := io.ReadAll(c)
	return string(b)
}

// journeys flushes the layers and returns the journeys recorded so far.
func journeys(t *testing.T, sub *trace.Subscription, layers ...stack.Layer) []*trace.Journey {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, l := range layers {
		if f, ok := l.(stack.TraceFlusher); ok {
			if err := f.FlushTrace(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	asm := trace.NewAssembler(0)
	for _, e := range sub.TryNext(0) {
		asm.Add(e)
	}
	return asm.Journeys()
}

// hops sums up a journey as "FROM>TO name" lines, the bytes hops as
// "FROM>TO bytes".
func hops(j *trace.Journey) []string {
	var out []string
	for _, h := range j.Hops() {
		what := h.Kind.String()
		if h.Kind == trace.KindHandoff {
			what = h.Name
		}
		out = append(out, fmt.Sprintf("%s>%s %s", h.From, h.To, what))
	}
	return out
}

// handoffPIDs returns the PIDs that recorded the journey's hand-offs.
func handoffPIDs(j *trace.Journey) []int {
	var pids []int
	for _, e := range j.Events {
		if e.Kind == trace.KindHandoff && !slices.Contains(pids, e.PID) {
			pids = append(pids, e.PID)
		}
	}
	return pids
}

// processName returns the name of process pid, as ps shows it.
func processName(t *testing.T, pid int) string {
	t.Helper()
	out, err := exec.Command("ps", "-o", "comm=", "-p", fmt.Sprint(pid)).Output()
	if err != nil {
		t.Fatalf("ps -p %d: %v", pid, err)
	}
	return strings.ToLower(filepath.Base(strings.TrimSpace(string(out))))
}

// TestGunicornBootsRealWorkers starts the real gunicorn with the talk's
// app and config.py: its master and two workers are processes named
// gunicorn or python, the talk's request comes back with gunicorn's own
// Server header, and the environ, start_response and chunk come from
// inside the worker that served it, with its PID.
func TestGunicornBootsRealWorkers(t *testing.T) {
	t.Parallel()
	need(t, ProgramGunicorn)
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	g, err := NewGunicorn(stack.Config{Trace: rec}, progs, map[string]string{"workers": "2", "app": "hello:application"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, g)
	pids := g.PIDs()
	if len(pids) != 3 {
		t.Fatalf("PIDs %v: want the master and two workers", pids)
	}
	for _, pid := range pids {
		if name := processName(t, pid); !strings.Contains(name, "gunicorn") && !strings.Contains(name, "python") {
			t.Errorf("pid %d is %q, not gunicorn", pid, name)
		}
	}
	answer := ask(t, g.Addr(), "GET / HTTP/1.0\r\n\r\n")
	if !strings.HasPrefix(answer, "HTTP/1.0 200 OK\r\nServer: gunicorn\r\n") || !strings.HasSuffix(answer, "Content-type: text/plain\r\nContent-Length: 30\r\n\r\nHello, World! (from Gunicorn)\n") {
		t.Errorf("answer %q", answer)
	}
	js := journeys(t, sub, g)
	if len(js) != 1 {
		t.Fatalf("%d journeys, want 1", len(js))
	}
	want := []string{"client>prefork bytes", "prefork>gateway environ", "prefork>gateway start_response", "prefork>gateway chunk", "client>prefork bytes", "client>prefork close"}
	if got := hops(js[0]); !slices.Equal(got, want) {
		t.Errorf("hops %q, want %q", got, want)
	}
	served := handoffPIDs(js[0])
	if len(served) != 1 || !slices.Contains(pids[1:], served[0]) {
		t.Errorf("hand-offs recorded by %v, want one of the workers %v", served, pids[1:])
	}
	var hooks []string
	for _, l := range js[0].Logs() {
		hooks = append(hooks, string(l.Data))
	}
	if len(hooks) != 2 || !strings.HasPrefix(hooks[0], "pre_request (worker, pid ") || !strings.HasPrefix(hooks[1], "post_request (worker, pid ") {
		t.Errorf("the journey's hooks: %q", hooks)
	}
}

// TestGunicornKillAndSignals kills a real worker, which the master
// replaces, and adds and removes one with TTIN and TTOU.
func TestGunicornKillAndSignals(t *testing.T) {
	t.Parallel()
	need(t, ProgramGunicorn)
	g, err := NewGunicorn(stack.Config{}, progs, map[string]string{"workers": "2", "hooks": "none"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, g)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	before := g.PIDs()
	killed, err := g.KillWorker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.FlushTrace(ctx); err != nil {
		t.Fatal(err)
	}
	after := g.PIDs()
	if !proctest.WaitGone(killed, 5*time.Second) || slices.Contains(after, killed) || len(after) != 3 || after[0] != before[0] {
		t.Errorf("killed %d: PIDs %v, then %v", killed, before, after)
	}
	for _, step := range []struct {
		sig     string
		workers int
	}{{"TTIN", 3}, {"TTOU", 2}} {
		if err := g.Signal(ctx, prefork.Signal(step.sig)); err != nil {
			t.Fatal(err)
		}
		if err := g.FlushTrace(ctx); err != nil {
			t.Fatal(err)
		}
		if got := len(g.PIDs()) - 1; got != step.workers {
			t.Errorf("after %s: %d workers, want %d", step.sig, got, step.workers)
		}
	}
	if answer := ask(t, g.Addr(), "GET / HTTP/1.0\r\n\r\n"); !strings.Contains(answer, "(from Gunicorn)") {
		t.Errorf("after it all, the answer is %q", answer)
	}
}

// TestNginxInFrontOfGunicorn runs the talk's part II: the real nginx with
// its configuration in front of the real gunicorn. The journey goes
// through both, the upstream request is the one nginx wrote, and the
// answer carries nginx's own Server header and its access log line.
func TestNginxInFrontOfGunicorn(t *testing.T) {
	t.Parallel()
	need(t, ProgramNginx)
	need(t, ProgramGunicorn)
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	g, err := NewGunicorn(stack.Config{Trace: rec}, progs, map[string]string{"workers": "1", "hooks": "none"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, g)
	n, err := NewNginx(stack.Config{Trace: rec, Peers: map[string]string{"127.0.0.1:8000": g.Addr().String()}}, progs, map[string]string{"config": "part-2"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, n)
	if len(n.PIDs()) != 2 {
		t.Errorf("nginx's PIDs %v: want its master and its worker", n.PIDs())
	}
	answer := ask(t, n.Addr(), "GET / HTTP/1.0\r\n\r\n")
	if !strings.HasPrefix(answer, "HTTP/1.1 200 OK\r\nServer: nginx/") || !strings.HasSuffix(answer, "Hello, World! (from Gunicorn)\n") {
		t.Errorf("answer %q", answer)
	}
	js := journeys(t, sub, n, g)
	if len(js) != 1 {
		t.Fatalf("%d journeys, want 1", len(js))
	}
	if got := strings.Join(js[0].Layers(), " "); got != "client proxy prefork gateway" {
		t.Errorf("the journey goes through %s", got)
	}
	var upstream []byte
	var access string
	for _, e := range js[0].Events {
		if e.Kind == trace.KindBytes && e.Dir == trace.Down && e.From == "proxy" && e.To == "prefork" {
			upstream = append(upstream, e.Data...)
		}
		if e.Kind == trace.KindLog && e.Name == "access_log" {
			access = string(e.Data)
		}
	}
	// The talk's part II configuration sets X-Forwarded-For twice, and
	// nginx sends both.
	if want := "GET / HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-For: 127.0.0.1\r\nConnection: close\r\n\r\n"; string(upstream) != want {
		t.Errorf("nginx wrote upstream %q, want %q", upstream, want)
	}
	if !strings.Contains(access, `"GET / HTTP/1.0" 200 30 "-" "-"`) {
		t.Errorf("access log line %q", access)
	}
}

// TestUwsgiBehindNginx runs uWSGI with --protocol uwsgi behind nginx's
// uwsgi_pass: the hop between them is nginx's binary packet, and the
// environ comes from inside a uWSGI worker.
func TestUwsgiBehindNginx(t *testing.T) {
	t.Parallel()
	need(t, ProgramNginx)
	need(t, ProgramUwsgi)
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	u, err := NewUwsgi(stack.Config{Trace: rec}, progs, map[string]string{"workers": "2", "app": "stream:application", "protocol": "uwsgi"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, u)
	n, err := NewNginx(stack.Config{Trace: rec, Peers: map[string]string{"127.0.0.1:8000": u.Addr().String()}}, progs, map[string]string{"config": "uwsgi"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, n)
	answer := ask(t, n.Addr(), "GET /hello?name=World HTTP/1.0\r\nHost: localhost:8080\r\n\r\n")
	if !strings.HasSuffix(answer, "one\ntwo\nthree\n") {
		t.Errorf("answer %q", answer)
	}
	js := journeys(t, sub, n, u)
	if len(js) != 1 {
		t.Fatalf("%d journeys, want 1", len(js))
	}
	var packet []byte
	for _, e := range js[0].Events {
		if e.Kind == trace.KindBytes && e.Dir == trace.Down && e.To == "prefork" {
			packet = append(packet, e.Data...)
		}
	}
	if len(packet) < 4 || packet[0] != 0 || !bytes.Contains(packet, []byte("REQUEST_URI\x11\x00/hello?name=World")) {
		t.Errorf("the hop to uWSGI is not nginx's uwsgi packet: %q", packet)
	}
	if served := handoffPIDs(js[0]); len(served) != 1 || !slices.Contains(u.PIDs()[1:], served[0]) {
		t.Errorf("hand-offs recorded by %v, want one of uWSGI's workers %v", served, u.PIDs())
	}
}

// TestPythonServers runs the servers written in Python: the talk's
// socket server, wsgiref and Werkzeug's.
func TestPythonServers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		make   func(cfg stack.Config) (stack.Layer, error)
		req    string
		answer string
		hops   []string
	}{
		{
			name:   "socket server",
			make:   func(c stack.Config) (stack.Layer, error) { return NewSocketServer(c, progs) },
			req:    "GET / HTTP/1.0\r\n\r\n",
			answer: "HTTP/1.1 200 OK\n\nHello, World! (from a raw socket)\n",
			hops:   []string{"client>rawsock bytes", "client>rawsock bytes", "client>rawsock close"},
		},
		{
			name:   "wsgiref",
			make:   func(c stack.Config) (stack.Layer, error) { return NewWsgiref(c, progs, "") },
			req:    "GET / HTTP/1.0\r\n\r\n",
			answer: "Hello, World! (from WSGI)\n",
			hops: []string{"client>wsgiref bytes", "wsgiref>gateway environ", "wsgiref>gateway start_response",
				"wsgiref>gateway chunk", "client>wsgiref bytes", "client>wsgiref close"},
		},
		{
			name: "Werkzeug's development server",
			make: func(c stack.Config) (stack.Layer, error) {
				return NewDevserver(c, progs, map[string]string{"app": "werkzeug_app:greet"})
			},
			req:    "GET /?name=World HTTP/1.0\r\n\r\n",
			answer: "Hello World!",
			hops: []string{"client>devserver bytes", "devserver>gateway environ", "devserver>gateway start_response",
				"devserver>gateway chunk", "client>devserver bytes", "devserver>gateway close", "client>devserver close"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			need(t, ProgramPython)
			rec := trace.NewRecorder(0, 0)
			sub := rec.Subscribe()
			defer sub.Close()
			l, err := tt.make(stack.Config{Trace: rec})
			var missing *MissingError
			if errors.As(err, &missing) {
				peer.Missing(t, "%v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			run(t, l)
			if answer := ask(t, l.Addr(), tt.req); !strings.HasSuffix(answer, tt.answer) {
				t.Errorf("answer %q", answer)
			}
			js := journeys(t, sub, l)
			if len(js) != 1 {
				t.Fatalf("%d journeys, want 1", len(js))
			}
			// A hand-off reported after the answer's last bytes were
			// written (close) may be recorded before the relay reads them.
			got, want := hops(js[0]), slices.Clone(tt.hops)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("hops %q, want %q", hops(js[0]), tt.hops)
			}
		})
	}
}

// TestNginxKillWorker kills nginx's worker: its master starts another,
// and nginx goes on answering.
func TestNginxKillWorker(t *testing.T) {
	t.Parallel()
	need(t, ProgramNginx)
	n, err := NewNginx(stack.Config{}, progs, map[string]string{"config": "part-1"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, n)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before := n.PIDs()
	killed, err := n.KillWorker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.FlushTrace(ctx); err != nil {
		t.Fatal(err)
	}
	after := n.PIDs()
	if !proctest.WaitGone(killed, 5*time.Second) || slices.Contains(after, killed) || len(after) != 2 || after[0] != before[0] {
		t.Errorf("killed %d: PIDs %v, then %v", killed, before, after)
	}
	if answer := ask(t, n.Addr(), "GET / HTTP/1.0\r\n\r\n"); !strings.Contains(answer, "Hello World (from Nginx)") {
		t.Errorf("after it, the answer is %q", answer)
	}
}
