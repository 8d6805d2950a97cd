package toolkit

import (
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
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

// serve runs app on env through the gateway, recording into sink when it
// is not nil.
func serve(t *testing.T, app gateway.App, env *gateway.Environ, sink trace.Sink) *capture.Answer {
	t.Helper()
	a := &capture.Answer{}
	tr := gateway.Tracer{Server: "prefork"}
	if sink != nil {
		tr.Tap = trace.NewTap(sink, "prefork")
	}
	if err := gateway.Serve(app, env, a, tr); err != nil {
		t.Fatal(err)
	}
	return a
}

// events keeps what the layers record.
type events struct{ capture.Events }

// handoffs writes the hand-offs as "from>to name", "to<from name".
func (e *events) handoffs() []string {
	var out []string
	for _, ev := range e.All() {
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
	for _, ev := range e.All() {
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
