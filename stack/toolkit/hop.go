package toolkit

import (
	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Layer is the toolkit's name in journeys.
const Layer = "toolkit"

// Hop records the hand-offs between two layers above the gateway for one
// request, such as gateway -> toolkit when the environ becomes a Request.
// From is the layer nearer the client. The zero Hop records nothing, and
// a Hop whose request is not traced costs nothing.
type Hop struct {
	From, To string
	tracer   gateway.Tracer
}

// NewHop returns a Hop between from and to for the request env belongs
// to.
func NewHop(env *gateway.Environ, from, to string) Hop {
	return Hop{From: from, To: to, tracer: env.Tracer()}
}

// On reports whether the hop records: a caller builds costly fields only
// when it does.
func (h Hop) On() bool { return h.tracer.On() }

// Down records name going down the stack, toward the app.
func (h Hop) Down(name string, fields ...trace.Field) { h.record(trace.Down, name, fields) }

// Up records name coming back up, toward the client.
func (h Hop) Up(name string, fields ...trace.Field) { h.record(trace.Up, name, fields) }

func (h Hop) record(dir trace.Dir, name string, fields []trace.Field) {
	if !h.tracer.On() {
		return
	}
	h.tracer.Handoff(trace.Handoff{From: h.From, To: h.To, Dir: dir, Name: name, Fields: fields})
}

// Log records a line the layer To logs for the request.
func (h Hop) Log(name, text string) {
	if h.tracer.On() {
		h.tracer.Log(name, text)
	}
}

// F is a shorthand for a trace.Field.
func F(key, value string) trace.Field { return trace.Field{Key: key, Value: value} }
