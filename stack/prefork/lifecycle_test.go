package prefork

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/proctest"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

func flush(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.FlushTrace(ctx); err != nil {
		t.Fatal(err)
	}
}

// logs returns the log events recorded so far named name ("hook", "log"),
// as "role text" for hooks and text for the rest, and drains sub.
func logs(sub *trace.Subscription, name string) []string {
	var out []string
	for _, e := range sub.TryNext(0) {
		if e.Kind == trace.KindLog && e.Name == name {
			out = append(out, string(e.Data))
		}
	}
	return out
}

// hookNames reduces hook lines ("pre_fork (master, pid 7)") to
// "master pre_fork".
func hookNames(lines []string) []string {
	var out []string
	for _, l := range lines {
		name, _, _ := strings.Cut(l, " ")
		role := "worker"
		if strings.Contains(l, "(master,") {
			role = "master"
		}
		out = append(out, role+" "+name)
	}
	return out
}

// gunicornPhases reads testdata/gunicorn/hooks.txt into its phases: the
// hooks that fired before each "# ..." mark.
func gunicornPhases(t *testing.T) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "gunicorn", "hooks.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var phases [][]string
	var cur []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			phases = append(phases, cur)
			cur = nil
			continue
		}
		role, rest, _ := strings.Cut(line, " ")
		name, _, _ := strings.Cut(rest, " ")
		cur = append(cur, role+" "+name)
	}
	return phases
}

// TestHooksFireAsInGunicorn drives the server through the same steps as
// capture.py drove gunicorn and compares the hooks that fire in each: in
// the same order, except after HUP, where gunicorn forks the new workers
// before any of them boots and the lab starts them one after another, and
// after TERM, where the workers stop side by side in either order.
func TestHooksFireAsInGunicorn(t *testing.T) {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	hooks := slices.DeleteFunc(slices.Clone(TalkHooks), func(h string) bool { return h == "worker_init" })
	hooks = append(hooks, "child_exit") // the capture's config.py defines it too
	s := New(stack.Config{Trace: rec}, Options{Hooks: append(hooks, "worker_init")})
	ctx := context.Background()
	var got [][]string
	phase := func() {
		flush(t, s)
		got = append(got, hookNames(logs(sub, "hook")))
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	phase()
	exchange(t, s.Addr(), "GET / HTTP/1.0\r\n\r\n")
	phase()
	must(t, s.Signal(ctx, TTIN))
	phase()
	must(t, s.Signal(ctx, TTOU))
	phase()
	if _, err := s.KillWorker(ctx); err != nil {
		t.Fatal(err)
	}
	phase()
	must(t, s.Signal(ctx, HUP))
	phase()
	must(t, s.Shutdown(ctx))
	got = append(got, hookNames(logs(sub, "hook")))

	want := gunicornPhases(t)
	if len(got) != len(want) {
		t.Fatalf("%d phases, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if i >= 5 { // HUP and TERM: workers start or stop side by side
			g, w = slices.Sorted(slices.Values(g)), slices.Sorted(slices.Values(w))
		}
		if !slices.Equal(g, w) {
			t.Errorf("phase %d:\n got %q\nwant %q", i+1, g, w)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnknownHookIsReported(t *testing.T) {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	s := New(stack.Config{Trace: rec}, Options{Workers: 1, Hooks: []string{"worker_init", "on_starting"}})
	must(t, s.Start(context.Background()))
	defer s.Close()
	got := strings.Join(logs(sub, "config"), "\n")
	if !strings.Contains(got, "worker_init is not a server hook") {
		t.Errorf("config report %q", got)
	}
}

func TestWorkerTimeout(t *testing.T) {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	s := New(stack.Config{Trace: rec}, Options{App: "slow:application", Workers: 1, Timeout: 300 * time.Millisecond,
		Hooks: Hooks})
	must(t, s.Start(context.Background()))
	defer s.Close()
	before := s.PIDs()[1]
	start := time.Now()
	got := exchange(t, s.Addr(), "GET /?seconds=5 HTTP/1.0\r\n\r\n")
	if got != "" || time.Since(start) > 4*time.Second {
		t.Errorf("answer %q after %v: want the worker killed, no answer", got, time.Since(start))
	}
	flush(t, s)
	evs := sub.TryNext(0)
	text := eventText(evs)
	for _, want := range []string{fmt.Sprintf("WORKER TIMEOUT (pid:%d)", before), "worker_abort (worker, pid", "child_exit"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	if after := s.PIDs(); len(after) != 2 || after[1] == before {
		t.Errorf("PIDs %v after the timeout; the worker %d should be replaced", after, before)
	}
}

func eventText(evs []trace.Event) string {
	var b strings.Builder
	for _, e := range evs {
		if e.Kind == trace.KindLog {
			fmt.Fprintf(&b, "%s: %s\n", e.Name, e.Data)
		}
	}
	return b.String()
}

func TestMaxRequestsRecyclesTheWorker(t *testing.T) {
	s, _ := startServer(t, Options{Workers: 1, MaxRequests: 2})
	first := s.PIDs()[1]
	for i := 0; i < 2; i++ {
		if got := exchange(t, s.Addr(), "GET / HTTP/1.0\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.0 200") {
			t.Fatalf("request %d: %q", i+1, got)
		}
	}
	flush(t, s)
	if now := s.PIDs()[1]; now == first {
		t.Errorf("worker %d still serving after max-requests", first)
	}
}

func TestTTINAndTTOU(t *testing.T) {
	s, _ := startServer(t, Options{Workers: 1})
	ctx := context.Background()
	must(t, s.Signal(ctx, TTIN))
	flush(t, s)
	if n := len(s.PIDs()) - 1; n != 2 {
		t.Errorf("%d workers after TTIN, want 2", n)
	}
	must(t, s.Signal(ctx, TTOU))
	must(t, s.Signal(ctx, TTOU)) // never below one
	flush(t, s)
	if n := len(s.PIDs()) - 1; n != 1 {
		t.Errorf("%d workers after TTOU twice, want 1", n)
	}
	if err := s.Signal(ctx, Signal("USR2")); err == nil {
		t.Error("USR2 accepted")
	}
}

func TestRespawnAfterKill(t *testing.T) {
	s, _ := startServer(t, Options{Workers: 2})
	ctx := context.Background()
	killed, err := s.KillWorker(ctx)
	must(t, err)
	flush(t, s)
	pids := s.PIDs()
	if len(pids) != 3 || slices.Contains(pids, killed) {
		t.Errorf("PIDs %v after killing %d", pids, killed)
	}
	if !gone(killed) {
		t.Errorf("worker %d still running", killed)
	}
	if got := exchange(t, s.Addr(), "GET / HTTP/1.0\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.0 200") {
		t.Errorf("answer %q", got)
	}
}

func TestGracefulShutdownFinishesRequests(t *testing.T) {
	s, _ := startServer(t, Options{App: "slow:application", Workers: 1})
	answer := make(chan string)
	c, err := net.Dial("tcp", s.Addr().String())
	must(t, err)
	defer c.Close()
	fmt.Fprint(c, "GET /?seconds=0.5 HTTP/1.0\r\n\r\n")
	go func() {
		b := make([]byte, 4096)
		n, _ := c.Read(b)
		answer <- string(b[:n])
	}()
	time.Sleep(100 * time.Millisecond) // the worker has the request
	pids := s.PIDs()
	must(t, s.Shutdown(context.Background()))
	if got := <-answer; !strings.HasPrefix(got, "HTTP/1.0 200") {
		t.Errorf("the request in flight got %q", got)
	}
	if !gone(pids[1]) {
		t.Errorf("worker %d still running", pids[1])
	}
	if _, err := net.Dial("tcp", s.Addr().String()); err == nil {
		t.Error("still accepting after shutdown")
	}
}

func TestCloseStopsAtOnce(t *testing.T) {
	s, _ := startServer(t, Options{App: "slow:application", Workers: 1})
	c, err := net.Dial("tcp", s.Addr().String())
	must(t, err)
	defer c.Close()
	fmt.Fprint(c, "GET /?seconds=10 HTTP/1.0\r\n\r\n")
	time.Sleep(100 * time.Millisecond)
	pid := s.PIDs()[1]
	start := time.Now()
	must(t, s.Close())
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if !gone(pid) {
		t.Errorf("worker %d still running", pid)
	}
	must(t, s.Close()) // again: nothing to do
	if err := s.Start(context.Background()); !errors.Is(err, stack.ErrServerClosed) {
		t.Errorf("Start after Close: %v", err)
	}
}

// gone reports whether pid has exited within a second.
func gone(pid int) bool { return proctest.WaitGone(pid, time.Second) }

func TestStartFailures(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { busy.Close() })
	tests := []struct {
		name string
		cfg  stack.Config
		opts Options
		want string
	}{
		{name: "unknown app", opts: Options{App: "nope:application"}, want: `no module named "nope"`},
		{name: "no binary", opts: Options{Procs: Procs{Executable: func() (string, error) { return "", errors.New("no such file") }}}, want: "finding the lab's own binary"},
		{name: "start fails", opts: Options{Procs: Procs{Start: func(*exec.Cmd) error { return errors.New("fork: resource temporarily unavailable") }}}, want: "starting a worker: fork"},
		{name: "worker cannot boot", opts: Options{Procs: Procs{Executable: func() (string, error) { return "/bin/false", nil }}}, want: "Worker failed to boot"},
		{name: "busy port", cfg: stack.Config{Addr: busy.Addr().String()}, want: "already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := New(tt.cfg, tt.opts)
			err := s.Start(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Start: %v, want %q", err, tt.want)
			}
			if len(s.PIDs()) != 1 {
				t.Errorf("workers left: %v", s.PIDs())
			}
			s.Close()
		})
	}
}

func TestHUPReplacesEveryWorkerAndINTStops(t *testing.T) {
	s, _ := startServer(t, Options{Workers: 2})
	ctx := context.Background()
	before := s.PIDs()[1:]
	must(t, s.Signal(ctx, HUP))
	flush(t, s)
	after := s.PIDs()[1:]
	if len(after) != 2 || slices.Contains(after, before[0]) || slices.Contains(after, before[1]) {
		t.Errorf("workers %v after HUP, %v before: want two new ones", after, before)
	}
	for _, pid := range before {
		if !gone(pid) {
			t.Errorf("old worker %d still running after HUP", pid)
		}
	}
	if got := exchange(t, s.Addr(), "GET / HTTP/1.0\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.0 200") {
		t.Errorf("answer after HUP %q", got)
	}
	must(t, s.Signal(ctx, INT))
	for _, pid := range after {
		if !gone(pid) {
			t.Errorf("worker %d still running after INT", pid)
		}
	}
	if err := s.Signal(ctx, TTIN); !errors.Is(err, stack.ErrServerClosed) {
		t.Errorf("TTIN after INT: %v, want ErrServerClosed", err)
	}
}

// TestKillWorkerPID kills one named worker through the master, which
// replaces it, and refuses a PID that is none of its workers: the master's
// own, and one of a worker already gone, which another program may have
// been given.
func TestKillWorkerPID(t *testing.T) {
	s, _ := startServer(t, Options{Workers: 2})
	ctx := context.Background()
	pids := s.PIDs()
	victim := pids[2]
	must(t, s.KillWorkerPID(ctx, victim))
	if !gone(victim) {
		t.Fatalf("worker %d still running after KillWorkerPID", victim)
	}
	flush(t, s)
	after := s.PIDs()
	if len(after) != 3 || slices.Contains(after, victim) || !slices.Contains(after, pids[1]) {
		t.Errorf("PIDs %v after killing %d of %v; want it alone replaced", after, victim, pids)
	}
	for _, pid := range []int{os.Getpid(), victim} {
		if err := s.KillWorkerPID(ctx, pid); err == nil {
			t.Errorf("KillWorkerPID(%d) killed a process that is none of its workers", pid)
		}
	}
	if !proctest.Running(os.Getpid()) {
		t.Error("the master killed itself")
	}
}

// TestTimeoutAsGunicorn drives the server as capture.py drove gunicorn
// for testdata/gunicorn/timeout.txt: one worker that a request keeps busy
// past the timeout, then TERM. The hooks and the master's and workers'
// log lines must come in gunicorn's order, phase by phase.
func TestTimeoutAsGunicorn(t *testing.T) {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	hooks := append(slices.Clone(TalkHooks), "child_exit", "worker_int")
	s := New(stack.Config{Trace: rec}, Options{App: "slow:application", Workers: 1, Timeout: 300 * time.Millisecond, Hooks: hooks})
	ctx := context.Background()
	var got [][]string
	phase := func() {
		flush(t, s)
		got = append(got, roleLines(sub.TryNext(0)))
	}
	must(t, s.Start(ctx))
	defer s.Close()
	phase()
	exchange(t, s.Addr(), "GET /?seconds=5 HTTP/1.0\r\n\r\n")
	phase()
	must(t, s.Signal(ctx, TERM))
	got = append(got, roleLines(sub.TryNext(0)))

	want := capturedPhases(t, "timeout.txt")
	if len(got) != len(want) {
		t.Fatalf("%d phases, want %d", len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("phase %d:\n got %q\nwant %q", i+1, got[i], want[i])
		}
	}
}

var (
	pidNumber  = regexp.MustCompile(`(pid: ?)\d+`)
	masterPID  = regexp.MustCompile(`\(\d+\)`)
	loopbackAt = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

// roleLines words hook and log events as timeout.txt does: "ROLE HOOK"
// and "ROLE log: TEXT", PIDs and ports replaced.
func roleLines(evs []trace.Event) []string {
	var out []string
	for _, e := range evs {
		if e.Kind != trace.KindLog {
			continue
		}
		switch e.Name {
		case "hook":
			out = append(out, hookNames([]string{string(e.Data)})...)
		case "log":
			role := "worker"
			if e.PID == os.Getpid() {
				role = "master"
			}
			text := pidNumber.ReplaceAllString(string(e.Data), "${1}worker")
			text = masterPID.ReplaceAllString(text, "(master)")
			out = append(out, role+" log: "+loopbackAt.ReplaceAllString(text, "127.0.0.1:<port>"))
		}
	}
	return out
}

// capturedPhases reads a capture of hooks and log lines into its phases,
// the lines before each "# ..." mark, without the log lines' levels.
func capturedPhases(t *testing.T, name string) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "gunicorn", name))
	if err != nil {
		t.Fatal(err)
	}
	var phases [][]string
	var cur []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") {
			phases = append(phases, cur)
			cur = nil
			continue
		}
		if role, text, ok := strings.Cut(line, " log: ["); ok {
			_, text, _ = strings.Cut(text, "] ")
			line = role + " log: " + text
		} else {
			role, rest, _ := strings.Cut(line, " ")
			name, _, _ := strings.Cut(rest, " ")
			line = role + " " + name
		}
		cur = append(cur, line)
	}
	return phases
}
