package rawsock

import (
	"net"
	"os"
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
// Conns' deadlines itself, with a timer a Conn, and only while one waits.
type Poller struct {
	set  epollSet
	done chan struct{} // closed when run returns

	mu     sync.Mutex
	conns  []*Conn // by descriptor: the Conns waiting, each until woken
	closed bool
}

// NewPoller returns a Poller. Close it when done.
func NewPoller() (*Poller, error) {
	set, err := newEpollSet()
	if err != nil {
		return nil, err
	}
	p := &Poller{set: set, done: make(chan struct{})}
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
	for fd, c := range p.conns {
		if c != nil {
			p.conns[fd] = nil
			c.wakeUp()
		}
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
				if fd := int(ev.Fd); fd < len(p.conns) && p.conns[fd] != nil {
					p.conns[fd].wakeUp()
					p.conns[fd] = nil
				}
			}
			p.mu.Unlock()
		}
	})
}

// arm has the Poller wake o, c's read or write, once c's socket is ready
// for it, and wake any other call of c's that waits too; c.mu is held. A
// call woken for a socket closed since, whose descriptor another Conn has
// taken, finds its own not ready and waits again.
func (p *Poller) arm(c *Conn, o *ioCall) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return net.ErrClosed
	}
	var events uint32
	for _, w := range [...]*ioCall{&c.rd, &c.wr} {
		if w == o || w.polling {
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
	return nil
}

// epollEvents is what o waits for: EPOLLIN to read, EPOLLOUT to write.
func (o *ioCall) epollEvents() uint32 {
	if o.write {
		return syscall.EPOLLOUT
	}
	return syscall.EPOLLIN
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

// pollFor makes o's call on c once c's Poller tells the socket is ready,
// and again after each wake-up while the socket is not, until the call
// is done, its deadline passes or c is closed. As waitFor, it is called
// right after the call found the socket not ready, so it waits first.
func (c *Conn) pollFor(o *ioCall) error {
	for first := true; ; first = false {
		c.mu.Lock()
		by := c.readBy
		if o.write {
			by = c.writeBy
		}
		switch {
		case c.closed.Load():
			c.mu.Unlock()
			return os.ErrClosed
		case !first && o.attempt(uintptr(c.fd)):
			c.mu.Unlock()
			return nil
		case !by.IsZero() && !time.Now().Before(by):
			c.mu.Unlock()
			return os.ErrDeadlineExceeded
		}
		err := c.p.arm(c, o)
		c.waited, o.polling = c.waited || err == nil, err == nil
		c.mu.Unlock()
		if err != nil {
			return err
		}
		o.sleep(by)
		c.mu.Lock()
		o.polling = false
		c.mu.Unlock()
	}
}

// sleep waits until o is woken, or until by, if it is not zero.
func (o *ioCall) sleep(by time.Time) {
	if by.IsZero() {
		<-o.ready
		return
	}
	if o.timer == nil {
		o.timer = time.AfterFunc(time.Until(by), o.wakeUp)
	} else {
		o.timer.Reset(time.Until(by))
	}
	<-o.ready
	o.timer.Stop()
}
