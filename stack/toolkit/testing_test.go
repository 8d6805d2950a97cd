package toolkit

import (
	"strings"
	"sync"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// newEnv returns the environ of "METHOD TARGET" served on localhost, as a
// server builds it, with the headers given as "Name: value" lines.
func newEnv(method, target string, headers ...string) *gateway.Environ {
	path, query, _ := strings.Cut(target, "?")
	env := gateway.NewEnviron()
	env.Set(gateway.KeyURLScheme, "http")
	env.Set("REQUEST_METHOD", method)
	env.Set("SCRIPT_NAME", "")
	env.Set("PATH_INFO", Unquote(path))
	env.Set("QUERY_STRING", query)
	env.Set("SERVER_NAME", "localhost")
	env.Set("SERVER_PORT", "8000")
	env.Set("REMOTE_ADDR", "127.0.0.1")
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		key := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if key != "CONTENT_TYPE" && key != "CONTENT_LENGTH" {
			key = "HTTP_" + key
		}
		env.Set(key, value)
	}
	return env
}

// answer is what an app sent through the gateway.
type answer struct {
	status  string
	headers http1.Headers
	body    string
}

type answerWriter struct{ a *answer }

func (w answerWriter) WriteHeader(status string, h http1.Headers) error {
	w.a.status, w.a.headers = status, h
	return nil
}
func (w answerWriter) Write(b []byte) error { w.a.body += string(b); return nil }
func (w answerWriter) Finish() error        { return nil }

// serve runs app on env through the gateway, recording into sink when it
// is not nil.
func serve(t *testing.T, app gateway.App, env *gateway.Environ, sink trace.Sink) answer {
	t.Helper()
	var a answer
	tr := gateway.Tracer{Server: "prefork"}
	if sink != nil {
		tr.Tap = trace.NewTap(sink, "prefork")
	}
	if err := gateway.Serve(app, env, answerWriter{&a}, tr); err != nil {
		t.Fatal(err)
	}
	return a
}

// events is a Sink that keeps the hand-offs and log lines.
type events struct {
	mu  sync.Mutex
	evs []trace.Event
}

func (e *events) Record(ev trace.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ev.Data = append([]byte(nil), ev.Data...)
	e.evs = append(e.evs, ev)
}

// handoffs writes the hand-offs as "from>to name", "to<from name".
func (e *events) handoffs() []string {
	var out []string
	for _, ev := range e.evs {
		if ev.Kind != trace.KindHandoff {
			continue
		}
		if ev.Dir == trace.Down {
			out = append(out, ev.From+">"+ev.To+" "+ev.Name)
		} else {
			out = append(out, ev.From+"<"+ev.To+" "+ev.Name)
		}
	}
	return out
}

// fields returns the fields of the first hand-off named name.
func (e *events) fields(name string) map[string]string {
	for _, ev := range e.evs {
		if ev.Kind == trace.KindHandoff && ev.Name == name {
			m := map[string]string{}
			for _, f := range ev.Fields {
				m[f.Key] = f.Value
			}
			return m
		}
	}
	return nil
}
