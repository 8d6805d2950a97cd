package devserver

import (
	"context"
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
