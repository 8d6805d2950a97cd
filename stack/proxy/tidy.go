package proxy

import (
	goruntime "runtime"
	"runtime/debug"
	"sync"
	"time"
)

// A crowd of connections that went idle or closed leaves its memory to
// the garbage collector (their buffers, their goroutines' stacks), and
// Go hands freed memory back to the system only after a collection and
// then slowly, over minutes. nginx frees a connection's memory to its
// allocator at once. The proxy therefore hands it back itself once such
// a crowd has gone and things are quiet again: one collection, not one
// per connection.
const (
	tidyCrowd = 1024            // connections that let memory go, before the proxy tidies
	tidyQuiet = 1 * time.Second // how long none must have let memory go since the last
)

// tidier counts the connections that let their memory go and, after a
// crowd of them, hands the process's free memory back to the system once
// none has for tidyQuiet.
type tidier struct {
	crowd int
	quiet time.Duration
	free  func()

	mu    sync.Mutex
	n     int  // connections that let memory go since the last tidying
	since int  // of those, how many since the timer was armed
	armed bool // a tidying is due
}

func newTidier() *tidier {
	return &tidier{crowd: tidyCrowd, quiet: tidyQuiet, free: freeMemory}
}

// freeMemory hands the process's free memory back to the system. The
// buffers idle connections gave back wait in the proxy's pools, and a
// sync.Pool keeps what it holds through one collection: the first
// collection frees nothing of them, the second, FreeOSMemory's, does.
func freeMemory() {
	goruntime.GC()
	debug.FreeOSMemory()
}

// letGo notes that a connection let its memory go.
func (t *tidier) letGo() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	t.since++
	if t.n >= t.crowd && !t.armed {
		t.armed, t.since = true, 0
		time.AfterFunc(t.quiet, t.tidy)
	}
}

// tidy hands memory back, or waits on while connections still go.
func (t *tidier) tidy() {
	t.mu.Lock()
	if t.since > 0 {
		t.since = 0
		time.AfterFunc(t.quiet, t.tidy)
		t.mu.Unlock()
		return
	}
	t.n, t.armed = 0, false
	t.mu.Unlock()
	t.free()
}
