package devserver

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// The captures in ../testdata/werkzeug are what Werkzeug 2.2.2's
// development server answered, serving the apps of apps.py there
// (capture.py). These tests serve the lab's apps of the same names with
// the lab's development server, send the same bytes and compare.

// captures holds what Werkzeug's server answered.
var captures = filepath.Join("..", "testdata", "werkzeug")

var logDate = regexp.MustCompile(`\[\d\d/\w\w\w/\d{4} \d\d:\d\d:\d\d\]`)

// startServer starts a development server for opts on a free port,
// recording into the events it returns, and stops it when the test ends.
func startServer(t *testing.T, opts Options) (*Server, *capture.Events) {
	t.Helper()
	rec := &capture.Events{}
	s := New(stack.Config{Trace: rec}, opts)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, rec
}

// staticApp is apps.py's static: SharedData over the captured folder,
// whose files get the times they had when captured.
func staticApp(t *testing.T) gateway.App {
	dir := t.TempDir()
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, name := range []string{"hello.txt", "index.html"} {
		b, err := os.ReadFile(filepath.Join(captures, "static", name))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	notFound := toolkit.NewResponse("no such file\n", toolkit.Status(404))
	return toolkit.SharedData(toolkit.Export{Path: "/static", FS: os.DirFS(dir)})(notFound.ServeWSGI)
}

// captureGroups are the captures by the app that answered them.
var captureGroups = []struct {
	app    string
	prefix string
	differ map[string]string
}{
	{app: "werkzeug_app:greet", prefix: "greet-"},
	{app: "werkzeug_app:application", prefix: "application-"},
	{app: "werkzeug_app:routes", prefix: "routes-"},
	{app: "werkzeug_app:proxied", prefix: "proxied-"},
	{app: "werkzeug_app:form", prefix: "form-"},
	{app: "werkzeug_app:headers", prefix: "headers-"},
	{app: "static", prefix: "static-"},
	{app: "werkzeug_app:dispatch", prefix: "dispatch-"},
	{app: "werkzeug_app:application", prefix: "devserver-"},
}

func TestAnswersAsWerkzeug(t *testing.T) {
	t.Parallel()
	for _, g := range captureGroups {
		t.Run(g.prefix, func(t *testing.T) {
			t.Parallel()
			opts := Options{App: g.app}
			if g.app == "static" {
				opts = Options{Handler: staticApp(t)}
			}
			s, _ := startServer(t, opts)
			for _, name := range capture.Names(t, captures, g.prefix) {
				t.Run(name, func(t *testing.T) {
					req, want := capture.Read(t, captures, name)
					capture.Compare(t, capture.RoundTrip(t, s.Addr(), req), want, g.differ[name])
				})
			}
		})
	}
}

// TestLogsAsWerkzeug checks the server's request lines against the ones
// Werkzeug's server logged for the same requests.
func TestLogsAsWerkzeug(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join(captures, "devserver.log"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ app, req, want string }{
		{"werkzeug_app:greet", "greet-escaped", `127.0.0.1 - - [<date>] "GET /?name=Jürgen+M HTTP/1.0" 200 -`},
		{"werkzeug_app:proxied", "proxied-forwarded", `203.0.113.7 - - [<date>] "GET /who?x=1 HTTP/1.0" 200 -`},
		{"werkzeug_app:routes", "routes-merge-slashes", `127.0.0.1 - - [<date>] "GET /hello//World HTTP/1.0" 308 -`},
		{"werkzeug_app:application", "devserver-garbage", "127.0.0.1 - - [<date>] code 400, message Bad request syntax ('GARBAGE')\n" +
			`127.0.0.1 - - [<date>] "GARBAGE" 400 -`},
		{"werkzeug_app:application", "devserver-http09", `127.0.0.1 - - [<date>] "GET / HTTP/0.9" 200 -`},
	}
	for _, tt := range cases {
		t.Run(tt.req, func(t *testing.T) {
			t.Parallel()
			for _, line := range strings.Split(tt.want, "\n") {
				if !strings.Contains(string(raw), line+"\n") {
					t.Fatalf("the capture has no line %q: the test is out of date", line)
				}
			}
			s, rec := startServer(t, Options{App: tt.app})
			req, _ := capture.Read(t, captures, tt.req)
			capture.RoundTrip(t, s.Addr(), req)
			var got []string
			for _, e := range rec.All() {
				if e.Kind == trace.KindLog && e.Name == "log" && strings.Contains(string(e.Data), " - - [") {
					got = append(got, logDate.ReplaceAllString(string(e.Data), "[<date>]"))
				}
			}
			if strings.Join(got, "\n") != tt.want {
				t.Errorf("logged\n%s\nwant\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}

func TestParseOptions(t *testing.T) {
	t.Parallel()
	o, err := ParseOptions(map[string]string{"app": "x:y", "threaded": "true"})
	if err != nil || o.App != "x:y" || !o.Threaded {
		t.Errorf("got %+v, %v", o, err)
	}
	for _, bad := range []map[string]string{{"threaded": "yes"}, {"workers": "2"}} {
		if _, err := ParseOptions(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

func TestAnAppNotThereIsAnErrorAtStart(t *testing.T) {
	t.Parallel()
	err := New(stack.Config{}, Options{App: "nope:app"}).Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), `no module named "nope"`) {
		t.Errorf("got %v", err)
	}
}

func TestThreadedServesConnectionsAtOnce(t *testing.T) {
	t.Parallel()
	s, _ := startServer(t, Options{App: "werkzeug_app:greet", Threaded: true})
	idle, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	got := capture.RoundTrip(t, s.Addr(), "GET /?name=x HTTP/1.1\r\nHost: x\r\n\r\n")
	if !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(got, "Hello x!") {
		t.Errorf("with a connection idle, got %q", got)
	}
}

func TestOneConnectionAtATime(t *testing.T) {
	t.Parallel()
	s, _ := startServer(t, Options{})
	idle, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.0\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, _ := c.Read(make([]byte, 1)); n != 0 {
		t.Fatal("answered while another connection was being served")
	}
	idle.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(c)
	if !strings.HasPrefix(string(got), "HTTP/1.0 200 OK") {
		t.Errorf("once the idle connection went: %q", got)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Start(context.Background()); err != stack.ErrServerClosed {
		t.Errorf("Start after Close: %v", err)
	}
}

func TestShutdownWaitsForTheConnection(t *testing.T) {
	t.Parallel()
	s, rec := startServer(t, Options{})
	idle, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	waitForOpen(t, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); err == nil {
		t.Error("Shutdown returned while a connection was being served")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// waitForOpen waits until the server has accepted a connection.
func waitForOpen(t *testing.T, rec *capture.Events) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		for _, e := range rec.All() {
			if e.Kind == trace.KindOpen {
				return
			}
		}
	}
	t.Fatal("the server never accepted the connection")
}
