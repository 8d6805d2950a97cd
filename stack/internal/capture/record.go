package capture

import (
	"sync"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Events is a trace.Sink that keeps every event it is given, with a copy
// of its bytes. It is safe for concurrent use.
type Events struct {
	mu  sync.Mutex
	evs []trace.Event
}

// Record keeps e.
func (r *Events) Record(e trace.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.Data = append([]byte(nil), e.Data...)
	r.evs = append(r.evs, e)
}

// All returns the events kept so far, in order.
func (r *Events) All() []trace.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]trace.Event(nil), r.evs...)
}

// Answer is a gateway ResponseWriter that keeps what an app answered.
type Answer struct {
	Status  string
	Headers http1.Headers
	Body    string
}

// WriteHeader keeps the status and the headers.
func (a *Answer) WriteHeader(status string, h http1.Headers) error {
	a.Status, a.Headers = status, h
	return nil
}

// Write keeps a chunk of the body.
func (a *Answer) Write(b []byte) error {
	a.Body += string(b)
	return nil
}

// Finish does nothing.
func (a *Answer) Finish() error { return nil }
