// Package rawsock is the dozen-line socket server from the talk's world,
// written out in Go: listen, accept one connection, read from it once,
// print what arrived, send a fixed answer, close, and wait for the next.
//
// It is deliberately naive, and lesson 1 shows what that costs: it answers
// the same to any bytes at all; it reads once, so a request longer than one
// read is cut; its answer has no Content-Length, so the client only knows
// the body ended because the connection closed; its answer even ends its
// lines with a bare LF, as the Python original's triple-quoted string does;
// and it serves one connection at a time, so a client that connects and says
// nothing holds up everyone behind it.
package rawsock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Kind is the layer's name when its Config gives none.
const Kind = "rawsock"

// ReadSize is how many bytes the server asks for in its one read, as the
// Python original's recv(1024).
const ReadSize = 1024

// Response is the fixed answer, byte for byte: a status line, an empty line
// and a body, each ended by a bare LF, with no header at all.
const Response = "HTTP/1.1 200 OK\n\nHello, World! (from a raw socket)\n"

// Server is the raw socket server.
type Server struct {
	cfg  stack.Config
	name string
	tap  *trace.Tap

	mu      sync.Mutex
	ln      net.Listener
	current net.Conn // the connection being served, at most one
	closed  bool
	done    chan struct{} // closed when the accept loop returns
}

// New returns a Server that will listen on cfg.Addr once started.
func New(cfg stack.Config) *Server {
	name := cfg.NameOr(Kind)
	return &Server{cfg: cfg, name: name, tap: trace.NewTap(cfg.Trace, name)}
}

// Name returns the layer's name.
func (s *Server) Name() string { return s.name }

// Start listens and serves in the background. It returns once the server
// accepts connections.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return stack.ErrServerClosed
	}
	if s.ln != nil {
		return fmt.Errorf("%s: already started", s.name)
	}
	ln, err := stack.Listen(ctx, s.name, s.cfg.Addr)
	if err != nil {
		return err
	}
	s.ln = s.tap.Listen(ln)
	s.done = make(chan struct{})
	go s.serve()
	return nil
}

// Addr returns the address the server listens on, or nil before Start.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// PIDs returns the lab's own process: the server is a goroutine in it.
func (s *Server) PIDs() []int { return []int{os.Getpid()} }

// serve is the accept loop: one connection at a time, as the original.
func (s *Server) serve() {
	defer close(s.done)
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		if !s.setCurrent(c) {
			c.Close()
			return
		}
		s.handle(c)
		s.setCurrent(nil)
	}
}

// setCurrent records the connection being served; it reports false when
// the server was closed meanwhile.
func (s *Server) setCurrent(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current = c
	return !s.closed
}

// handle is the whole of the server's idea of HTTP.
func (s *Server) handle(c net.Conn) {
	defer c.Close()
	buf := make([]byte, ReadSize)
	n, _ := c.Read(buf)
	s.tap.Log(c, "print", fmt.Sprintf("received %d bytes in one read of at most %d", n, ReadSize))
	c.Write([]byte(Response))
}

// Shutdown stops accepting and waits for the connection being served, if
// any, to finish, or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	done, err := s.stopAccepting()
	if err != nil || done == nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: still serving a connection: %w", s.name, ctx.Err())
	}
}

// Close stops accepting and closes the connection being served.
func (s *Server) Close() error {
	done, err := s.stopAccepting()
	if err != nil || done == nil {
		return err
	}
	s.mu.Lock()
	if s.current != nil {
		s.current.Close()
	}
	s.mu.Unlock()
	<-done
	return nil
}

// stopAccepting closes the listener once and returns the channel that
// closes when the accept loop has returned (nil if never started).
func (s *Server) stopAccepting() (<-chan struct{}, error) {
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
