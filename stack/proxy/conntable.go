package proxy

import (
	"fmt"
	"sync"
	"time"
)

// connTable is nginx's table of connections, worker_connections long:
// the clients' connections and the upstream ones share it, less the
// slots nginx's worker keeps for its listening sockets and its channel to
// the master. When it runs low, the connections waiting for a request
// give way to new ones, oldest first ("worker_connections are not
// enough, reusing connections"); when none waits, a new client is closed
// at once and an upstream connection is refused, with an alert in the
// error log (ngx_get_connection and ngx_drain_connections, nginx 1.22).
type connTable struct {
	total int                    // worker_connections, as nginx's messages say it
	log   func(logLevel, string) // the error log, for the server's own lines

	mu       sync.Mutex
	free     int
	waiting  waitList // connections waiting for a request, the newest first
	lastWarn int64    // the second "reusing connections" was last logged in
}

// newConnTable returns a table of total slots of which reserved are
// nginx's own.
func newConnTable(total, reserved int, log func(logLevel, string)) *connTable {
	return &connTable{total: total, log: log, free: max(total-reserved, 0)}
}

// notEnough is nginx's alert when the table is full.
func (t *connTable) notEnough() string {
	return fmt.Sprintf("%d worker_connections are not enough", t.total)
}

// get takes a slot, making room first as nginx does: when a sixteenth of
// the table or less is free, the connections that wait the longest for a
// request are closed, an eighth of the waiting ones at a time (1 to 32).
// It reports false when no slot is left.
func (t *connTable) get() bool {
	t.mu.Lock()
	var reused []*conn
	if t.free <= t.total/16 && t.waiting.n > 0 {
		if now := time.Now().Unix(); now != t.lastWarn {
			t.lastWarn = now
			t.log(levelWarn, t.notEnough()+", reusing connections")
		}
		for range max(min(32, t.waiting.n/8), 1) {
			c := t.waiting.back
			t.waiting.remove(c)
			c.reused = true
			t.free++
			reused = append(reused, c)
		}
	}
	ok := t.free > 0
	if ok {
		t.free--
	}
	t.mu.Unlock()
	for _, c := range reused {
		c.nc.Close() // its goroutine ends; the slot is already free
	}
	return ok
}

// put gives back a slot that get gave.
func (t *connTable) put() {
	t.mu.Lock()
	t.free++
	t.mu.Unlock()
}

// wait marks c as waiting for a request: the table may reuse its slot.
func (t *connTable) wait(c *conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !c.reused && !c.waiting {
		t.waiting.pushFront(c)
	}
}

// busy marks c as serving a request again; it reports false when the
// table reused c's slot meanwhile, and c is to close.
func (t *connTable) busy(c *conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c.waiting {
		t.waiting.remove(c)
	}
	return !c.reused
}

// release gives back the slot of a client connection that ended, unless
// the table took it back when it reused the connection.
func (t *connTable) release(c *conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c.waiting {
		t.waiting.remove(c)
	}
	if !c.reused {
		t.free++
	}
}

// waitList is a list of connections, linked through their fields
// (waitPrev, waitNext, waiting) so that a connection waits for its next
// request without allocating a list element. The table's lock guards it.
type waitList struct {
	front, back *conn
	n           int
}

// pushFront puts c, in no list, at the front.
func (l *waitList) pushFront(c *conn) {
	c.waitPrev, c.waitNext, c.waiting = nil, l.front, true
	if l.front != nil {
		l.front.waitPrev = c
	} else {
		l.back = c
	}
	l.front = c
	l.n++
}

// remove takes c, which is in the list, out.
func (l *waitList) remove(c *conn) {
	if c.waitPrev != nil {
		c.waitPrev.waitNext = c.waitNext
	} else {
		l.front = c.waitNext
	}
	if c.waitNext != nil {
		c.waitNext.waitPrev = c.waitPrev
	} else {
		l.back = c.waitPrev
	}
	c.waitPrev, c.waitNext, c.waiting = nil, nil, false
	l.n--
}

// slotsOf returns worker_connections for c (512 when not set) and how
// many of its slots nginx keeps for itself: one for each socket it
// listens on (a server without listen has *:80), and one for the channel
// to the master unless master_process is off.
func slotsOf(c *Config) (total, reserved int) {
	sockets := map[listen]bool{}
	for _, s := range c.servers {
		if len(s.listens) == 0 {
			sockets[listen{port: 80}] = true
		}
		for _, l := range s.listens {
			sockets[listen{host: l.host, port: l.port}] = true
		}
	}
	reserved = len(sockets)
	if setting(c.main, "master_process", true) {
		reserved++
	}
	return setting(c.main, "worker_connections", 512), reserved
}
