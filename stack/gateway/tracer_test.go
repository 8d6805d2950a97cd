package gateway

import (
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

func TestAppsAboveTheGatewayRecordThroughTheEnviron(t *testing.T) {
	t.Parallel()
	s := &sink{}
	tap := trace.NewTap(s, "prefork")
	app := func(env *Environ, start StartResponse) (Body, error) {
		tr := env.Clone().Tracer()
		if !tr.On() {
			t.Error("the tracer Serve was given did not reach the app")
		}
		tr.Handoff(trace.Handoff{From: Layer, To: "toolkit", Dir: trace.Down, Name: "Request"})
		tr.Log("toolkit", "a line")
		return appOf("200 OK", okHeaders, "x")(env, start)
	}
	env := NewEnviron()
	if env.Tracer().On() {
		t.Error("an environ never served has a tracer that records")
	}
	env.Tracer().Handoff(trace.Handoff{Name: "nothing"}) // records nothing, and does not panic
	if err := Serve(app, env, &recordingWriter{}, Tracer{Tap: tap, Server: "prefork"}); err != nil {
		t.Fatal(err)
	}
	if got, want := s.names(), "environ> Request> <start_response <chunk"; got != want {
		t.Errorf("hand-offs %q, want %q", got, want)
	}
	var logs int
	for _, e := range s.evs {
		if e.Kind == trace.KindLog && string(e.Data) == "a line" {
			logs++
		}
	}
	if logs != 1 {
		t.Errorf("%d log lines, want 1", logs)
	}
}
