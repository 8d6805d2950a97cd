package trace

import "sync"

// Gate holds requests at each hop until they are let through, one at a
// time: the presenter's hop-by-hop mode. A request is held where a layer
// receives it, after the tap has recorded its bytes and before the layer
// sees them, so that the room watches it arrive while the connection
// waits, real and open. Hand-offs down the stack (an environ on its way
// to the app) are held the same way.
//
// A Gate is attached to a Recorder (SetGate) before layers start; every
// Tap made on that Recorder then asks it. A nil Gate, or one switched off,
// holds nothing. It is safe for concurrent use.
type Gate struct {
	mu      sync.Mutex
	on      bool
	waiting []*held
	changed chan struct{}
}

// held is one request waiting at a hop.
type held struct {
	e       Event
	release chan struct{}
}

// NewGate returns a Gate, switched off.
func NewGate() *Gate { return &Gate{changed: make(chan struct{}, 1)} }

// SetOn switches hop-by-hop mode on or off. Switching it off lets every
// held request through.
func (g *Gate) SetOn(on bool) {
	g.mu.Lock()
	g.on = on
	var free []*held
	if !on {
		free, g.waiting = g.waiting, nil
	}
	g.mu.Unlock()
	for _, h := range free {
		close(h.release)
	}
	g.signal()
}

// On reports whether the Gate holds requests.
func (g *Gate) On() bool {
	if g == nil {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.on
}

// Held returns the events at which requests wait now, the oldest first:
// the bytes a layer received, or a hand-off. A nil Gate holds none.
func (g *Gate) Held() []Event {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Event, len(g.waiting))
	for i, h := range g.waiting {
		out[i] = h.e
	}
	return out
}

// Release lets the request held longest go on to its layer, and reports
// whether one was held.
func (g *Gate) Release() bool {
	g.mu.Lock()
	if len(g.waiting) == 0 {
		g.mu.Unlock()
		return false
	}
	h := g.waiting[0]
	g.waiting = g.waiting[1:]
	g.mu.Unlock()
	close(h.release)
	g.signal()
	return true
}

// Changed is signalled when a request is held or let through.
func (g *Gate) Changed() <-chan struct{} { return g.changed }

func (g *Gate) signal() {
	select {
	case g.changed <- struct{}{}:
	default:
	}
}

// wait holds the caller while the Gate is on, until e's request is let
// through. e must already be recorded.
func (g *Gate) wait(e Event) {
	g.mu.Lock()
	if !g.on {
		g.mu.Unlock()
		return
	}
	h := &held{e: e, release: make(chan struct{})}
	if len(e.Data) > 0 {
		h.e.Data = append([]byte(nil), e.Data...)
	}
	g.waiting = append(g.waiting, h)
	g.mu.Unlock()
	g.signal()
	<-h.release
}
