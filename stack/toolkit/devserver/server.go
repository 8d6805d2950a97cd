// Package devserver is the toolkit's development server, as Werkzeug's
// run_simple: one process that parses HTTP itself, builds the environ and
// calls the app through the gateway, logging one line per request
// (127.0.0.1 - - [23/Nov/2026 10:09:09] "GET / HTTP/1.0" 200 -).
//
// By default it serves one connection at a time and answers in HTTP/1.0,
// as run_simple does with its defaults; Threaded serves each connection
// in a goroutine of its own and answers in HTTP/1.1, as run_simple with
// threaded=True (Flask's app.run) does. Either way it closes the
// connection after each answer.
//
// NOTES:
//   - Werkzeug's server is Python's http.server: its request line rules
//     are Python's (checkHead), but the headers and body are read by the
//     lab's HTTP reader, which follows nginx. Where the reader refuses
//     what Python accepts (a lower-case method, a header with a space in
//     its name), the server answers 400 Bad request syntax.
//   - The Server header and SERVER_SOFTWARE name the lab:
//     "Werkzeug/2.2.2 (ngw2f-lab)" where Werkzeug sends
//     "Werkzeug/2.2.2 Python/3.11.2".
//   - Werkzeug colours its log lines when its stderr is a terminal; the
//     lab's are plain text in the trace.
//   - An app that fails after its headers went out: Werkzeug writes its
//     500 page into the body already started; the lab closes the
//     connection instead.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Kind is the layer's name when its Config gives none.
const Kind = "devserver"

// ServerHeader is the Server header, and Software SERVER_SOFTWARE, after
// Werkzeug 2.2.2's.
const (
	ServerHeader = "Werkzeug/2.2.2 (ngw2f-lab)"
	Software     = "Werkzeug/2.2.2 (ngw2f-lab)"
)

// Options are the development server's settings.
type Options struct {
	// App names the app to serve, as module:callable; empty means
	// "werkzeug_app:application", the talk's Werkzeug app.
	App string
	// Handler, when not nil, is served instead of App: an app that is not
	// in the registry, such as a framework app's Run.
	Handler gateway.App
	// Threaded serves each connection in a goroutine of its own and
	// answers in HTTP/1.1, as run_simple(threaded=True).
	Threaded bool
}

// Server is the development server.
type Server struct {
	cfg  stack.Config
	opts Options
	name string
	tap  *trace.Tap
	app  gateway.App

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool // the connections being served
	closed bool
	done   chan struct{} // closed when the accept loop and every connection are done
	wg     sync.WaitGroup
}

// New returns a Server that will listen on cfg.Addr once started.
func New(cfg stack.Config, opts Options) *Server {
	if opts.App == "" && opts.Handler == nil {
		opts.App = "werkzeug_app:application"
	}
	name := cfg.NameOr(Kind)
	return &Server{cfg: cfg, opts: opts, name: name, tap: trace.NewTap(cfg.Trace, name), conns: map[net.Conn]bool{}}
}

// Name returns the layer's name.
func (s *Server) Name() string { return s.name }

// Start finds the app, listens and serves in the background. It returns
// once the server accepts connections.
func (s *Server) Start(ctx context.Context) error {
	app := s.opts.Handler
	if app == nil {
		var err error
		if app, err = gateway.Lookup(s.opts.App); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return stack.ErrServerClosed
	case s.ln != nil:
		return fmt.Errorf("%s: already started", s.name)
	}
	ln, err := stack.Listen(ctx, s.name, s.cfg.Addr)
	if err != nil {
		return err
	}
	s.app, s.ln, s.done = app, s.tap.Listen(ln), make(chan struct{})
	s.tap.Log(nil, "log", "WARNING: This is a development server. Do not use it in a production deployment. Use a production WSGI server instead.")
	s.tap.Log(nil, "log", fmt.Sprintf(" * Running on http://%s", ln.Addr()))
	s.wg.Add(1)
	go s.serve()
	go func() { s.wg.Wait(); close(s.done) }()
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

// PIDs returns the lab's own process: the server runs inside it.
func (s *Server) PIDs() []int { return []int{os.Getpid()} }

// serve is the accept loop.
func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		if !s.track(c) {
			c.Close()
			return
		}
		if s.opts.Threaded {
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.handle(c)
			}()
			continue
		}
		s.handle(c)
	}
}

// track notes a connection being served; it reports false when the server
// was closed meanwhile.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[c] = true
	return !s.closed
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// Shutdown stops accepting and waits for the connections being served to
// finish, or for ctx to end.
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

// Close stops accepting, closes every connection being served and waits
// for them to be done.
func (s *Server) Close() error {
	done, err := s.stopAccepting()
	if done == nil {
		return err
	}
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	<-done
	return err
}

// stopAccepting closes the listener once and returns the channel that
// closes when everything is done (nil if never started).
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
