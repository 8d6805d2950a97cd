package runner

import (
	"context"
	"errors"
	"net"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/procstat"
	"github.com/ngw2f/ngw2f-lab/stack/proxy"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// TestMain lets the test binary serve as a pre-fork worker, as the lab's
// binary does.
func TestMain(m *testing.M) {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	goleak.VerifyTestMain(m)
}

// lessonWith parses a one-step lesson whose lab block is block.
func lessonWith(t *testing.T, block string) *lessons.Lesson {
	t.Helper()
	src := "---\nnumber: 99\nslug: t\ntitle: T\n---\n## S\n```lab\n" + block + "```\n"
	l, err := lessons.Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// runLesson runs a one-step lesson whose lab block is block to its end,
// and returns the runner and the text of everything it reported.
func runLesson(t *testing.T, block string) (*Runner, []string) {
	t.Helper()
	var outs []string
	r, err := New(lessonWith(t, block), Options{Out: func(o Output) { outs = append(outs, o.Text) }})
	if err != nil {
		t.Fatal(err)
	}
	skipUnlessLive(t, r)
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r, outs
}

// skipUnlessLive skips the test when r's lesson does not run live on this
// system (one that starts the pre-fork server, on Windows), saying why.
func skipUnlessLive(t *testing.T, r *Runner) {
	t.Helper()
	if err := r.Live(); err != nil {
		r.Close()
		t.Skip(err)
	}
}

func TestUnknownLayerIsReportedWithItsLine(t *testing.T) {
	t.Parallel()
	_, err := New(lessonWith(t, "start rawsock\nstart nginx-for-real\n"), Options{})
	var lerr *lessons.Error
	if !errors.As(err, &lerr) || lerr.Line != 9 || !strings.Contains(err.Error(), `no layer "nginx-for-real"`) {
		t.Errorf("error %v, want t.md:9 naming the layer", err)
	}
}

// TestEveryUnknownLayerAndChallengeAtOnce: the layers a lesson names
// that the lab lacks and the challenges it cannot read are reported
// together, in line order, the layers the lab has listed as words.
func TestEveryUnknownLayerAndChallengeAtOnce(t *testing.T) {
	t.Parallel()
	src := "---\nnumber: 99\nslug: t\ntitle: T\n---\n```challenge\nid: c\ngoal: g\ncheck: nonsense here\n```\n" +
		"## S\n```lab\nstart app-z\nstart rawsock\nstop app-y\n```\n"
	l, err := lessons.Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(l, Options{})
	var es lessons.Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("error %v, want three problems", err)
	}
	for i, line := range []int{6, 13, 15} {
		if es[i].Line != line {
			t.Errorf("problem %d is at line %d, want %d: %v", i+1, es[i].Line, line, es[i])
		}
	}
	if msg := es[1].Error(); strings.Contains(msg, "[") || !strings.Contains(msg, "app-a, app-b") {
		t.Errorf("the layers are not listed as words: %q", msg)
	}
}

func TestRunReportsFailedExpectations(t *testing.T) {
	t.Parallel()
	var outs []Output
	l := lessonWith(t, "start rawsock\ntelnet rawsock\n> GET / HTTP/1.0\nexpect status 404\nexpect open\nexpect closed\n")
	r, err := New(l, Options{Out: func(o Output) { outs = append(outs, o) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	failed, checked := r.Failed()
	if failed != 2 || checked != 3 {
		t.Errorf("failed %d of %d, want 2 of 3", failed, checked)
	}
	var verdicts []string
	for _, o := range outs {
		if o.Kind == OutCheck {
			verdicts = append(verdicts, o.Text)
		}
	}
	want := []string{
		"the answer's status is 404 (got: 200)",
		"the connection is still open (got: the server closed the connection)",
		"the server closed the connection",
	}
	if strings.Join(verdicts, "|") != strings.Join(want, "|") {
		t.Errorf("verdicts %q, want %q", verdicts, want)
	}
}

func TestActionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, block, want string
	}{
		{"telnet to a stopped layer", "telnet rawsock\n", "t.md:8: telnet rawsock: rawsock is not running (start it first)"},
		{"typing without a connection", "start rawsock\n> GET /\n", "t.md:9: nothing to type on"},
		{"explain before anything was sent", "explain request\n", "t.md:8: explain request: nothing was sent yet"},
		{"a setting the layer lacks", "start rawsock colour=red\n", `t.md:8: rawsock takes no settings, not "colour"`},
		{"a setting without a value", "start rawsock colour\n", `t.md:8: start: "colour" is not key=value`},
		{"starting twice", "start rawsock\nstart rawsock\n", "t.md:9: stack: rawsock is already running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := New(lessonWith(t, tt.block), Options{})
			if err != nil {
				t.Fatal(err)
			}
			err = r.Run(context.Background())
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Run error %v, want it to start with %q", err, tt.want)
			}
			if n := len(r.Stack().Layers()); n != 0 {
				t.Errorf("%d layers still running after the error", n)
			}
		})
	}
}

func TestInterruptStopsEverything(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := New(lessonWith(t, "start rawsock\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a cancelled context: %v", err)
	}
	if n := len(r.Stack().Layers()); n != 0 {
		t.Errorf("%d layers still running", n)
	}
}

func TestInteractiveTryHandsOverThePrompt(t *testing.T) {
	t.Parallel()
	var tries []Output
	l := lessonWith(t, "start rawsock\ntry rawsock\noffer one\n> GET / HTTP/1.0\n>\n")
	r, err := New(l, Options{Interactive: true, Out: func(o Output) {
		if o.Kind == OutTry || o.Kind == OutTurn {
			tries = append(tries, o)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.RunStep(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	addr := r.Stack().Get("rawsock").Addr().String()
	if len(tries) != 1 || tries[0].Kind != OutTry || tries[0].Layer != "rawsock" || tries[0].Addr != addr ||
		len(tries[0].Offers) != 1 || tries[0].Offers[0].Label != "one" {
		t.Errorf("outputs %+v, want one OutTry for rawsock at %s with its offer", tries, addr)
	}
}

func TestRestartKeepsTheAddress(t *testing.T) {
	t.Parallel()
	r, err := New(lessonWith(t, "start rawsock\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	if err := r.Restart(ctx, "rawsock"); err == nil {
		t.Error("restarting a layer that never started worked")
	}
	if err := r.RunStep(ctx, 0); err != nil {
		t.Fatal(err)
	}
	before := r.Stack().Get("rawsock")
	if err := r.Restart(ctx, "rawsock"); err != nil {
		t.Fatal(err)
	}
	after := r.Stack().Get("rawsock")
	if after == nil || after == before || after.Addr().String() != before.Addr().String() {
		t.Errorf("after restart: %v on %v, want a new layer on %v", after, after.Addr(), before.Addr())
	}
}

func TestABusyPortKeepsItsType(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	r, err := New(lessonWith(t, "start rawsock\n"), Options{FrontPort: port})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = r.RunStep(context.Background(), 0)
	var busy *stack.PortBusyError
	var lerr *lessons.Error
	if !errors.As(err, &busy) || !errors.As(err, &lerr) || lerr.Line != 8 {
		t.Errorf("error %v (%T): want a lessons.Error at line 8 wrapping a PortBusyError", err, err)
	}
}

func TestAnnouncesClose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, answer string
		want         bool
	}{
		{"gunicorn's answer", "HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", true},
		{"keep-alive", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false},
		{"no header", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false},
		{"no status line", "hello", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := AnnouncesClose([]byte(tt.answer)); got != tt.want {
				t.Errorf("AnnouncesClose = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLessonTwoShowsItsConfig checks that the configuration lesson 2
// explains is the one it starts the proxy with.
func TestLessonTwoShowsItsConfig(t *testing.T) {
	t.Parallel()
	l, err := lessons.Get(2)
	if err != nil {
		t.Fatal(err)
	}
	var shown string
	for _, b := range l.Steps[0].Blocks {
		if _, rest, ok := strings.Cut(b.Prose, "```nginx\n"); ok {
			shown, _, _ = strings.Cut(rest, "```")
		}
	}
	text, err := proxy.EmbeddedText("part-1")
	if err != nil {
		t.Fatal(err)
	}
	var started []string
	for _, line := range strings.Split(string(text), "\n") {
		if !strings.HasPrefix(line, "#") {
			started = append(started, line)
		}
	}
	if strings.TrimSpace(shown) != strings.TrimSpace(strings.Join(started, "\n")) {
		t.Errorf("lesson 2 shows\n%s\nbut starts the proxy with\n%s", shown, strings.Join(started, "\n"))
	}
}

// TestIdleHoldsConnectionsForTheStep counts the process's goroutines, so
// it does not run in parallel with other tests.
func TestIdleHoldsConnectionsForTheStep(t *testing.T) {
	r, outs := runLesson(t, "start proxy\nidle proxy 20\ntelnet proxy\n> GET / HTTP/1.0\n>\nexpect status 200\n")
	all := strings.Join(outs, "\n")
	files := "40 (both ends of each connection"
	if _, err := procstat.OpenFiles(); err != nil {
		files = "uncounted open files"
	}
	for _, want := range []string{"opened 20 connections to proxy", "gained 20 goroutines", files, "closed the 20 idle connections"} {
		if !strings.Contains(all, want) {
			t.Errorf("the run does not say %q:\n%s", want, all)
		}
	}
	if failed, _ := r.Failed(); failed > 0 {
		t.Errorf("%d checks failed", failed)
	}
}

func TestFrontPortGoesToTheProxy(t *testing.T) {
	t.Parallel()
	l := lessonWith(t, "start rawsock\nstart proxy\n")
	if got := frontKind(l); got != "proxy" {
		t.Errorf("front layer %q, want proxy", got)
	}
	if got := frontKind(lessonWith(t, "start rawsock\n")); got != "rawsock" {
		t.Errorf("front layer %q, want rawsock", got)
	}
}

func TestStartStack(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, lesson, want string
	}{
		{"every layer once", "start proxy\nstop proxy\nstart rawsock\nstart proxy config=part-2\nstop rawsock\n", "rawsock proxy"},
		{"the front last", "start rawsock\nstart proxy config=part-2\nstop rawsock\nstart rawsock\n", "rawsock proxy"},
		{"a layer stopped for good stays stopped", "start rawsock\nstop rawsock\nstart proxy\n", "proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := New(lessonWith(t, tc.lesson), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if err := r.StartStack(context.Background()); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, layer := range r.Stack().Layers() {
				names = append(names, layer.Name())
			}
			if got := strings.Join(names, " "); got != tc.want {
				t.Errorf("started %q, want %q", got, tc.want)
			}
		})
	}
}

// TestStackPlan plans, for every lesson the lab ships and a few of its
// own, the stack up starts: the layers running at the end of the lesson,
// and a stopped layer only when one of them passes requests to its port.
func TestStackPlan(t *testing.T) {
	t.Parallel()
	shipped := func(n int) *lessons.Lesson {
		l, err := lessons.Get(n)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, tc := range []struct {
		name   string
		lesson *lessons.Lesson
		want   string
	}{
		{"lesson 1", shipped(1), "rawsock"},
		{"lesson 2: its app server, stopped to show a 502, is the proxy's upstream", shipped(2), "rawsock proxy config=part-2"},
		{"lesson 3: the server restarted after TERM, nginx in front", shipped(3), "prefork proxy config=part-2"},
		{"lesson 4: the reference server gave way to gunicorn", shipped(4), "prefork workers=1 app=environ:application hooks=none"},
		{"lesson 5: the dev server, not the proxy-fix demo's gunicorn", shipped(5), "devserver app=werkzeug_app:routes"},
		{"lesson 6: not the dev server of step 1", shipped(6), "prefork app=app:application hooks=none proxy config=part-2"},
		{"lesson 7: the CGI server in front of the pre-fork server it is compared with", shipped(7), "prefork workers=2 hooks=none cgi"},
		{"lesson 8: the last uwsgi pair", shipped(8), "prefork workers=2 hooks=none protocol=uwsgi app=upload:application proxy config=uwsgi"},
		{"lesson 9: the backend stopped to show failover and started again comes last of the three", shipped(9),
			"app-a workers=2 hooks=none app-c workers=2 hooks=none app=slow:application app-b workers=2 hooks=none proxy config=balance-least"},
		{"a stopped upstream comes back for the proxy", lessonWith(t, "start app-a\nstart app-b\nstart proxy config=balance\nstop app-b\n"),
			"app-a app-b proxy config=balance"},
		{"nginx alone needs no upstream", lessonWith(t, "start rawsock\nstop rawsock\nstart proxy config=part-1\n"), "proxy config=part-1"},
		{"the last of two stopped app servers", lessonWith(t, "start rawsock\nstop rawsock\nstart prefork\nstart proxy config=part-2\nstop prefork\n"), "prefork proxy config=part-2"},
		{"a server stopped by a signal", lessonWith(t, "start prefork\nsignal prefork TERM\nstart rawsock\n"), "rawsock"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := New(tc.lesson, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var got []string
			for _, a := range r.stackPlan() {
				got = append(got, a.Args...)
			}
			if s := strings.Join(got, " "); s != tc.want {
				t.Errorf("up starts %q, want %q", s, tc.want)
			}
		})
	}
}

// TestHopByHopHoldsTheRequest runs a step with the gate on: the request
// waits at rawsock, the runner waits for it past its answer timeout, and
// the answer comes once the request is let through.
func TestHopByHopHoldsTheRequest(t *testing.T) {
	t.Parallel()
	g := trace.NewGate()
	g.SetOn(true)
	var mu sync.Mutex
	var checks []Output
	l := lessonWith(t, "start rawsock\ntelnet rawsock\nsend \"GET / HTTP/1.0\\r\\n\\r\\n\"\nexpect status 200\n")
	// The request is held three answer timeouts long; the timeout leaves a
	// loaded machine room to get the request to the gate and the answer back.
	r, err := New(l, Options{Gate: g, AnswerTimeout: 500 * time.Millisecond, Out: func(o Output) {
		if o.Kind == OutCheck {
			mu.Lock()
			checks = append(checks, o)
			mu.Unlock()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	released := make(chan time.Time, 1)
	go func() {
		for len(g.Held()) == 0 {
			<-g.Changed()
		}
		time.Sleep(1500 * time.Millisecond)
		released <- time.Now()
		g.Release()
	}()
	if err := r.RunStep(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	select {
	case <-released:
	default:
		t.Fatal("the step ended before the request was let through")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(checks) != 1 || !checks[0].OK {
		t.Errorf("checks %+v, want the 200 after the release", checks)
	}
}

func TestAStoppedBackendComesBackAfterFailTimeout(t *testing.T) {
	t.Parallel()
	_, outs := runLesson(t, "start app-a workers=1 hooks=none\nstart app-b workers=1 hooks=none\nstart app-c workers=1 hooks=none\n"+
		"start proxy config=balance\nstop app-b\nspread proxy 12 /\n"+
		"start app-b workers=1 hooks=none\npause 2.5s\nspread proxy 12 /\n")
	var served []string
	ports := map[string]bool{}
	for _, o := range outs {
		if strings.HasPrefix(o, "served by: ") {
			served = append(served, o)
		}
		if strings.HasPrefix(o, "app-b is listening on ") {
			ports[strings.Fields(o)[4]] = true
		}
		if strings.HasPrefix(o, "sent proxy") && !strings.HasSuffix(o, "; 12 answered 200") {
			t.Errorf("a request failed: %s", o)
		}
	}
	if len(served) != 2 || strings.Contains(served[0], "app-b") || strings.Contains(served[1], "app-b 0 ") || !strings.Contains(served[1], "app-b") {
		t.Errorf("shares %q, want none for app-b while it is down and some once it is back", served)
	}
	if len(ports) != 1 {
		t.Errorf("app-b listened on %v, want the same address both times", ports)
	}
	if !slices.Contains(outs, "waited 2.5s") {
		t.Errorf("the run does not say it waited:\n%s", strings.Join(outs, "\n"))
	}
}

func TestTrickleCountsTheClientsStillWaiting(t *testing.T) {
	t.Parallel()
	_, outs := runLesson(t, "start prefork workers=1 hooks=none\ntrickle prefork 3\nmeasure prefork 1 /\n")
	all := strings.Join(outs, "\n")
	waiting := regexp.MustCompile(`when it was sent, \d of the 3 slow clients were still waiting for their answer`)
	if !strings.Contains(all, "3 slow clients connected to prefork, one every 100ms") || !waiting.MatchString(all) {
		t.Errorf("the run does not say how the slow clients came and how many waited:\n%s", all)
	}
}
