package gateway

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// serveAll runs app on env and returns its writer's calls and whatever
// went to wsgi.errors.
func serveAll(t *testing.T, app App, env *Environ) (calls, errlog string) {
	t.Helper()
	var log bytes.Buffer
	env.Set(KeyErrors, &log)
	w := &recordingWriter{}
	if err := Serve(app, env, w, Tracer{}); err != nil {
		t.Fatal(err)
	}
	return strings.Join(w.calls, "|"), log.String()
}

func get(path string) *Environ {
	e := NewEnviron()
	e.Set("REQUEST_METHOD", "GET")
	e.Set("SCRIPT_NAME", "")
	e.Set("PATH_INFO", path)
	e.Set("QUERY_STRING", "")
	return e
}

func TestChainOrder(t *testing.T) {
	t.Parallel()
	app, _ := Lookup("chain:application")
	calls, log := serveAll(t, app, get("/"))
	wantLog := `logger: environ in (PATH_INFO=/)
headers: environ in (PATH_INFO=/)
shout: environ in (PATH_INFO=/)
shout: response out (200 OK)
headers: response out (200 OK)
GET / -> 200 OK
logger: response out (200 OK)
`
	if log != wantLog {
		t.Errorf("wsgi.errors:\n%s\nwant:\n%s", log, wantLog)
	}
	if want := "head 200 OK [Content-type Content-Length X-Middleware]|write HELLO, WORLD! (FROM WSGI)\n|finish"; calls != want {
		t.Errorf("calls %q\nwant %q", calls, want)
	}
}

func TestMiddlewares(t *testing.T) {
	t.Parallel()
	hello := Hello("hi\n")
	tests := []struct {
		name  string
		app   App
		paths []string
		want  string // the calls for each path, joined by " || "
	}{
		{
			name:  "insert headers replaces in place and appends",
			app:   InsertHeaders(http1.Headers{{Name: "content-type", Value: "text/html"}, {Name: "X-New", Value: "1"}})(hello),
			paths: []string{"/"},
			want:  "head 200 OK [content-type Content-Length X-New]|write hi\n|finish",
		},
		{
			name:  "modify response fixes the length",
			app:   ModifyResponse(func(b []byte) []byte { return append(b, "!!"...) })(hello),
			paths: []string{"/"},
			want:  "head 200 OK [Content-type Content-Length]|write hi\n!!|finish",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, p := range tt.paths {
				calls, _ := serveAll(t, tt.app, get(p))
				got = append(got, calls)
			}
			if g := strings.Join(got, " || "); g != tt.want {
				t.Errorf("got  %q\nwant %q", g, tt.want)
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, app, wantErr string
	}{
		{"registered", "hello:application", ""},
		{"unknown callable", "hello:app", `failed to find attribute "app" in "hello"`},
		{"unknown module", "nope:application", `no module named "nope"`},
		{"not module:callable", "hello", "not an app name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app, err := Lookup(tt.app)
			if tt.wantErr == "" {
				if err != nil || app == nil {
					t.Fatalf("Lookup: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
