package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Serial is the skeleton of the simplest servers: a goroutine of the lab's
// process that accepts one connection, hands it to a function, and
// accepts the next only when that returns, as the dozen-line socket server
// and Python's wsgiref simple server do. A layer embeds it and gives it the
// function; Serial gives the layer the rest of the Layer surface. One made
// by NewConcurrent hands each connection to the function in a goroutine
// of its own and accepts the next at once, as a forking server does.
type Serial struct {
	cfg        Config
	name       string
	tap        *trace.Tap
	handle     func(net.Conn)
	concurrent bool

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{} // the connections being served
	closed bool
	done   chan struct{} // closed when the accept loop and every handle have returned
}

// NewSerial returns a Serial named after cfg (kind when it names none)
// that serves each accepted, tapped connection with handle, one at a
// time. handle closes the connection when it is done with it.
func NewSerial(cfg Config, kind string, handle func(net.Conn)) *Serial {
	name := cfg.NameOr(kind)
	return &Serial{cfg: cfg, name: name, tap: trace.NewTap(cfg.Trace, name), handle: handle, conns: map[net.Conn]struct{}{}}
}

// NewConcurrent returns a Serial that serves every connection at once,
// each with handle in a goroutine of its own, so that one client that
// takes its time holds up no other.
func NewConcurrent(cfg Config, kind string, handle func(net.Conn)) *Serial {
	s := NewSerial(cfg, kind, handle)
	s.concurrent = true
	return s
}

// Name returns the layer's name.
func (s *Serial) Name() string { return s.name }

// Tap returns the tap the server records through (nil with tracing off).
func (s *Serial) Tap() *trace.Tap { return s.tap }

// Start listens and serves in the background. It returns once the server
// accepts connections.
func (s *Serial) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrServerClosed
	}
	if s.ln != nil {
		return fmt.Errorf("%s: already started", s.name)
	}
	ln, err := Listen(ctx, s.name, s.cfg.Addr)
	if err != nil {
		return err
	}
	s.ln = s.tap.Listen(ln)
	s.done = make(chan struct{})
	go s.serve()
	return nil
}

// Addr returns the address the server listens on, or nil before Start.
func (s *Serial) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// PIDs returns the lab's own process: the server is a goroutine in it.
func (s *Serial) PIDs() []int { return []int{os.Getpid()} }

// serve is the accept loop. An accept that fails for want of a
// descriptor or of memory is retried after a pause, growing to a second,
// as net/http's server does: the server waits out the shortage instead of
// ending with a port still open that nobody answers.
func (s *Serial) serve() {
	var handlers sync.WaitGroup
	defer close(s.done)
	defer handlers.Wait()
	var pause time.Duration
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			pause = min(max(2*pause, 5*time.Millisecond), time.Second)
			time.Sleep(pause)
			continue
		}
		pause = 0
		if !s.track(c) {
			c.Close()
			return
		}
		if s.concurrent {
			handlers.Go(func() { s.handle(c); s.untrack(c) })
			continue
		}
		s.handle(c)
		s.untrack(c)
	}
}

// track records a connection being served; it reports false when the
// server was closed meanwhile.
func (s *Serial) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

// untrack forgets a connection that was served.
func (s *Serial) untrack(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// Shutdown stops accepting and waits for the connections being served, if
// any, to finish, or for ctx to end.
func (s *Serial) Shutdown(ctx context.Context) error {
	done, err := s.stopAccepting()
	if err != nil || done == nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: still serving: %w", s.name, ctx.Err())
	}
}

// Close stops accepting and closes the connections being served.
func (s *Serial) Close() error {
	done, err := s.stopAccepting()
	if err != nil || done == nil {
		return err
	}
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	<-done
	return nil
}

// stopAccepting closes the listener once and returns the channel that
// closes when the accept loop has returned (nil if never started).
func (s *Serial) stopAccepting() (<-chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		if s.ln != nil {
			if err := s.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				return s.done, fmt.Errorf("%s: %w", s.name, err)
			}
		}
	}
	return s.done, nil
}
