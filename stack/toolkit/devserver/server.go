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
	"fmt"
	"net"
	"sync"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/gateway"
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

// Server is the development server: a stack.Serial, which serves one
// connection at a time, or with Threaded a goroutine per connection.
type Server struct {
	*stack.Serial
	opts Options
	app  gateway.App

	mu      sync.Mutex
	threads map[net.Conn]bool // the connections served by goroutines of their own
	wg      sync.WaitGroup
}

// New returns a Server that will listen on cfg.Addr once started.
func New(cfg stack.Config, opts Options) *Server {
	if opts.App == "" && opts.Handler == nil {
		opts.App = "werkzeug_app:application"
	}
	s := &Server{opts: opts, threads: map[net.Conn]bool{}}
	s.Serial = stack.NewSerial(cfg, Kind, s.accept)
	return s
}

// Start finds the app, listens and serves in the background. It returns
// once the server accepts connections.
func (s *Server) Start(ctx context.Context) error {
	app := s.opts.Handler
	if app == nil {
		var err error
		if app, err = gateway.Lookup(s.opts.App); err != nil {
			return fmt.Errorf("%s: %w", s.Name(), err)
		}
	}
	s.app = app
	if err := s.Serial.Start(ctx); err != nil {
		return err
	}
	s.Tap().Log(nil, "log", "WARNING: This is a development server. Do not use it in a production deployment. Use a production WSGI server instead.")
	s.Tap().Log(nil, "log", fmt.Sprintf(" * Running on http://%s", s.Addr()))
	return nil
}

// accept serves a connection the Serial accepted: at once, or in a
// goroutine of its own when threaded.
func (s *Server) accept(c net.Conn) {
	if !s.opts.Threaded {
		s.handle(c)
		return
	}
	s.mu.Lock()
	s.threads[c] = true
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		s.handle(c)
		s.mu.Lock()
		delete(s.threads, c)
		s.mu.Unlock()
	}()
}

// Shutdown stops accepting and waits for the connections being served to
// finish, or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.Serial.Shutdown(ctx); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: still serving a connection: %w", s.Name(), ctx.Err())
	}
}

// Close stops accepting, closes every connection being served and waits
// for them to be done.
func (s *Server) Close() error {
	err := s.Serial.Close()
	s.mu.Lock()
	for c := range s.threads {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}
