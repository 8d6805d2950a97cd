package gateway

import "github.com/ngw2f/ngw2f-lab/stack/trace"

// Tracer returns the tracer of the request env was handed over with, the
// one Serve was given; the zero Tracer when env was never served. Apps
// above the gateway (the toolkit, the framework) record their own
// hand-offs through it, on the request's connection, so that a journey
// goes on past the gateway. It is not a key: the environ an app sees is
// the one the server built.
func (e *Environ) Tracer() Tracer { return e.tracer }

// On reports whether t records anything: tracing is on.
func (t Tracer) On() bool { return t.Tap != nil }

// Handoff records a hand-off between two layers for the request t traces.
func (t Tracer) Handoff(h trace.Handoff) { t.Tap.Handoff(t.Conn, h) }

// Log records a line a layer logs for the request t traces.
func (t Tracer) Log(name, text string) { t.Tap.Log(t.Conn, name, text) }
