package cgi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Kind is the layer's name when its Config gives none.
const Kind = "cgi"

// Software is SERVER_SOFTWARE and the Server header.
const Software = "CGI/1.1 (ngw2f-lab)"

// Timeout is how long a script may run without its request body moving
// before it is killed: once the body is all in, how long it may run.
const Timeout = 10 * time.Second

// DefaultReadTimeout is how long the server waits for a client's next
// bytes when Server.ReadTimeout is zero: nginx's client_header_timeout
// and client_body_timeout, Apache's Timeout.
const DefaultReadTimeout = 60 * time.Second

// ScriptLayer is the name of the script's side of the hand-offs in a
// journey.
const ScriptLayer = "script"

// Server is the CGI server.
type Server struct {
	*stack.Serial
	exe string // the binary that runs the scripts, from Executable

	// Executable returns the path of the binary to run scripts from,
	// resolved once at Start: the lab passes lean.Executable, its lean
	// child executable or its own binary; nil is this process's own
	// binary. Set it before Start.
	Executable func() (string, error)

	// ReadTimeout is how long the server waits for each read from a
	// client, of its request head or of its body; a client that sends
	// nothing for that long is dropped with no answer, and a script that
	// was reading its body is killed. Zero means DefaultReadTimeout. Set
	// it before Start.
	ReadTimeout time.Duration

	mu      sync.Mutex
	running map[*os.Process]struct{} // the scripts being run
	closed  bool                     // Close was called: kill every script, answer nothing
}

// New returns a Server that will listen on cfg.Addr once started.
func New(cfg stack.Config) *Server {
	s := &Server{running: map[*os.Process]struct{}{}}
	s.Serial = stack.NewConcurrent(cfg, Kind, s.handle)
	return s
}

// Start finds the binary scripts are run from and starts serving.
func (s *Server) Start(ctx context.Context) error {
	executable := s.Executable
	if executable == nil {
		executable = os.Executable
	}
	exe, err := executable()
	if err != nil {
		return fmt.Errorf("%s: finding the binary to run scripts with: %w", s.Name(), err)
	}
	s.exe = exe
	return s.Serial.Start(ctx)
}

// handle serves the one request of a connection.
func (s *Server) handle(c net.Conn) {
	defer c.Close()
	in := &idleReader{c: c, timeout: s.ReadTimeout}
	if in.timeout <= 0 {
		in.timeout = DefaultReadTimeout
	}
	req, err := http1.NewReader(in, http1.NginxLimits()).ReadRequest()
	switch {
	case errors.Is(err, io.EOF):
		return
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.Tap().Log(c, "log", fmt.Sprintf("the client sent nothing for %s: connection closed", in.timeout))
		return
	case err != nil || req.Proto == "":
		c.Write(errorAnswer("400 Bad Request"))
		return
	}
	t, ok := parseTarget(req.Target)
	if !ok {
		s.Tap().Log(c, "log", fmt.Sprintf("%s: no such script (the lab's are %s%s)", req.Target, scriptPrefix,
			strings.Join(Scripts(), ", "+scriptPrefix)))
		c.Write(errorAnswer("404 Not Found"))
		return
	}
	raw := c
	if tc, ok := c.(*trace.Conn); ok {
		raw = tc.Unwrap()
	}
	env := environment(req, t, raw.LocalAddr(), raw.RemoteAddr(), Software)
	s.run(c, in, t.script, env, req.Body)
}

// track records a script being run, and kills it at once if the server
// was closed while it started.
func (s *Server) track(p *os.Process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running[p] = struct{}{}
	if s.closed {
		p.Kill()
	}
}

// untrack forgets a script that has ended.
func (s *Server) untrack(p *os.Process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, p)
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close stops the server at once: it kills the scripts being run and
// closes the connections they were run for, with no answer.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	for p := range s.running {
		p.Kill()
	}
	s.mu.Unlock()
	return s.Serial.Close()
}

// idleReader reads from a client's connection, giving each read timeout
// to bring something. stop makes the read in progress, if any, and every
// later one fail at once.
type idleReader struct {
	c       net.Conn
	timeout time.Duration

	mu      sync.Mutex
	stopped bool
}

func (r *idleReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return 0, os.ErrDeadlineExceeded
	}
	r.c.SetReadDeadline(time.Now().Add(r.timeout))
	r.mu.Unlock()
	return r.c.Read(p)
}

func (r *idleReader) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	r.c.SetReadDeadline(time.Now())
}
