package rawsock

import (
	"net"
	"sync"
	"syscall"
	"time"
)

// Poller waits for the sockets of many direct Conns at once, on an epoll
// instance of its own, which is itself on Go's poller: for a process that
// has many connections waiting at a time, as the proxy has upstream. One
// goroutine takes the instance's events and wakes the Conns they are for.
//
// A Conn that waits on a Poller costs what nginx's upstream connection
// costs its poller, one epoll_ctl (close takes the socket out), where one
// on Go's poller costs an os.File: fcntl and epoll_ctl to put it there,
// epoll_ctl again to take it off, a finalizer, and, when it reads as soon
// as it has written, a read that finds nothing yet. A Poller keeps the
// Conns' deadlines itself, with one timer for all (see expire).
type Poller struct {
	set  epollSet
	done chan struct{} // closed when run returns

	mu     sync.Mutex
	conns  []*Conn // by descriptor: the Conns waiting, each until woken
	closed bool
	timer  *time.Timer // runs expire at next
	next   time.Time   // zero: the timer is not set
}

// NewPoller returns a Poller. Close it when done.
func NewPoller() (*Poller, error) {
	set, err := newEpollSet()
	if err != nil {
		return nil, err
	}
	p := &Poller{set: set, done: make(chan struct{})}
	p.timer = time.AfterFunc(time.Hour, p.expire)
	p.timer.Stop()
	go p.run()
	return p, nil
}

// Close stops the Poller: the Conns waiting on it, and any that would,
// fail with net.ErrClosed. A nil Poller has nothing to close.
func (p *Poller) Close() error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	p.closed = true
	p.timer.Stop()
	for fd := range p.conns {
		p.wake(fd)
	}
	p.mu.Unlock()
	err := p.set.f.Close()
	<-p.done
	return err
}

// run wakes the Conns whose sockets are ready, until the Poller closes.
func (p *Poller) run() {
	defer close(p.done)
	var got [128]syscall.EpollEvent
	p.set.rc.Read(func(epfd uintptr) bool {
		for {
			n, err := p.set.take(epfd, got[:])
			if err != nil || n == 0 {
				return err != nil // none: wait on Go's poller
			}
			p.mu.Lock()
			for _, ev := range got[:n] {
				if fd := int(ev.Fd); fd < len(p.conns) {
					p.wake(fd)
				}
			}
			p.mu.Unlock()
		}
	})
}

// wake wakes the calls of the Conn armed on fd, if any, and takes it out
// of the Poller's hands until it is armed again; p.mu is held.
func (p *Poller) wake(fd int) {
	c := p.conns[fd]
	if c == nil {
		return
	}
	p.conns[fd] = nil
	c.rd.waitBy, c.wr.waitBy = time.Time{}, time.Time{}
	c.wakeUp()
}

// armWait has the Poller wake o, c's read or write, once c's socket is
// ready for it or by passes (if it is not zero), and wake any other call
// of c's that waits too; c.mu is held. A call woken for a socket closed
// since, whose descriptor another Conn has taken, finds its own not ready
// and waits again.
func (p *Poller) armWait(c *Conn, o *ioCall, by time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return net.ErrClosed
	}
	var events uint32
	for _, w := range [...]*ioCall{&c.rd, &c.wr} {
		if w == o || w.waiting {
			events |= w.epollEvents()
		}
	}
	if err := p.set.arm(c.fd, c.waited, events); err != nil {
		return err
	}
	if c.fd >= len(p.conns) {
		p.conns = append(p.conns, make([]*Conn, c.fd+1-len(p.conns))...)
	}
	p.conns[c.fd] = c
	if o.ready == nil {
		// Made under p.mu, as the Poller reads it, and c.mu, as Close does.
		o.ready = make(chan struct{}, 1)
	}
	o.waitBy = by
	if !by.IsZero() && (p.next.IsZero() || by.Before(p.next)) {
		p.next = by
		p.timer.Reset(time.Until(by))
	}
	return nil
}

// expire wakes the calls whose deadlines have passed, which then fail,
// and sets the timer for the next deadline of a call still waiting. The
// timer is set for the earliest deadline of a call that began to wait,
// and left so when that call ends: then it wakes no one, and is set
// again. With deadlines of seconds and calls of microseconds, as the
// proxy's upstream has, it so runs about once a deadline's length, where
// a timer a call would be set and stopped on every wait.
func (p *Poller) expire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.next = time.Time{}
	for _, c := range p.conns {
		if c == nil {
			continue
		}
		for _, o := range [...]*ioCall{&c.rd, &c.wr} {
			switch {
			case o.waitBy.IsZero():
			case !o.waitBy.After(now):
				o.waitBy = time.Time{}
				o.wakeUp()
			case p.next.IsZero() || o.waitBy.Before(p.next):
				p.next = o.waitBy
			}
		}
	}
	if !p.next.IsZero() && !p.closed {
		p.timer.Reset(p.next.Sub(now))
	}
}

// forget takes c, whose socket closes, out of the Poller's hands; c.mu is
// held.
func (p *Poller) forget(c *Conn) {
	p.mu.Lock()
	if c.fd < len(p.conns) && p.conns[c.fd] == c {
		p.conns[c.fd] = nil
	}
	c.wakeUp()
	p.mu.Unlock()
}

// wakeUp has the calls of c that wait on its Poller look again; p.mu or
// c.mu is held.
func (c *Conn) wakeUp() {
	c.rd.wakeUp()
	c.wr.wakeUp()
}

// wakeUp has o, if it waits on a Poller, look again, now or the next time
// it would wait.
func (o *ioCall) wakeUp() {
	if o.ready == nil {
		return // it has never waited
	}
	select {
	case o.ready <- struct{}{}:
	default:
	}
}
