package real

import (
	"context"
	"net"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/gateway/wsgiref"
	"github.com/ngw2f/ngw2f-lab/stack/internal/lazy"
	"github.com/ngw2f/ngw2f-lab/stack/rawsock"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit/devserver"
)

// PythonServer is a server written in Python behind a relay: the
// dozen-line socket server of lesson 1, or a server serving one of the
// talk's apps, wsgiref's simple server (the talk's part III) or
// Werkzeug's development server, run_simple (part IV). Around an app, the
// lab's middleware reports environ, start_response and each chunk.
type PythonServer struct {
	base
	server   string // "rawsock", "wsgiref" or "devserver"
	app      string
	threaded bool
}

// NewSocketServer returns the dozen-line socket server, in Python.
func NewSocketServer(cfg stack.Config, progs *Programs) (*PythonServer, error) {
	found, err := progs.Find(ProgramPython)
	if err != nil {
		return nil, err
	}
	return &PythonServer{base: newBase(cfg, rawsock.Kind, found, "TERM", "TERM"), server: rawsock.Kind}, nil
}

// NewWsgiref returns Python's wsgiref simple server serving app
// ("wsgi:application" when empty).
func NewWsgiref(cfg stack.Config, progs *Programs, app string) (*PythonServer, error) {
	if app == "" {
		app = "wsgi:application"
	}
	return newPythonServer(cfg, progs, wsgiref.Kind, app, false)
}

// NewDevserver returns Werkzeug's development server with the settings
// of the lab's (devserver.ParseOptions): app and threaded.
func NewDevserver(cfg stack.Config, progs *Programs, args map[string]string) (*PythonServer, error) {
	opts, err := devserver.ParseOptions(args)
	if err != nil {
		return nil, err
	}
	if opts.App == "" {
		opts.App = "werkzeug_app:application"
	}
	s, err := newPythonServer(cfg, progs, devserver.Kind, opts.App, opts.Threaded)
	if err != nil {
		return nil, err
	}
	if !s.found.HasModule("Werkzeug") {
		return nil, &MissingError{What: "Werkzeug for " + s.found.Path, Why: "its development server is Werkzeug's",
			Debian: "python3-werkzeug", Homebrew: "pip3 install werkzeug"}
	}
	return s, nil
}

func newPythonServer(cfg stack.Config, progs *Programs, kind, app string, threaded bool) (*PythonServer, error) {
	found, err := progs.Find(ProgramPython)
	if err != nil {
		return nil, err
	}
	if err := needs(found, app, "the"); err != nil {
		return nil, err
	}
	return &PythonServer{base: newBase(cfg, kind, found, "TERM", "TERM"), server: kind, app: app, threaded: threaded}, nil
}

// Start starts the server and returns once it listens.
func (s *PythonServer) Start(ctx context.Context) error {
	if err := s.prepare(true, s.line, s.report); err != nil {
		return err
	}
	s.serverDone = s.drain
	return s.launch(ctx, s.command, nil)
}

// command is the server's command, to listen on private.
func (s *PythonServer) command(private string) (command, error) {
	host, port, _ := net.SplitHostPort(private)
	args := []string{"serve.py", s.server, host, port, s.app}
	if s.server == rawsock.Kind {
		args = []string{"webserver.py", host, port}
	}
	if s.threaded {
		args = append(args, "threaded")
	}
	return command{Path: s.found.Path, Args: args}, nil
}

// ansi matches a terminal colour sequence, which Werkzeug may put in its
// log lines.
var ansi = lazy.Regexp("\x1b\\[[0-9;]*m")

// line records a line the server wrote on its standard error: a request
// logged, under the connection being served, or a note of its own.
func (s *PythonServer) line(l string) {
	l = ansi().ReplaceAllString(l, "")
	if strings.TrimSpace(l) == "" {
		return
	}
	var c net.Conn
	name := "log"
	switch {
	case s.server == rawsock.Kind && !strings.HasPrefix(l, "Serving your very own HTTP"):
		c, name = s.only(), "print" // what it received
	case strings.Contains(l, `"`) && strings.Contains(l, " HTTP/"):
		c = s.only()
	}
	s.tapAs(s.masterPID()).Log(c, name, l)
}

// report records what the middleware reports.
func (s *PythonServer) report(r *report) {
	c := s.conn(r.Peer)
	if c == nil {
		c = s.only() // wsgiref tells no port; it serves one connection at a time
	}
	handoff(s.tapAs(r.PID), c, s.name, r)
}

// FlushTrace returns once every line the server wrote so far is recorded.
func (s *PythonServer) FlushTrace(ctx context.Context) error {
	if ended, _ := s.proc.Exited(); ended {
		return nil
	}
	return s.out.Mark(ctx)
}

// drain waits, before the front relay ends a connection the server
// closed, for the lines it logged before it closed it.
func (s *PythonServer) drain(net.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), timeoutDrain)
	defer cancel()
	s.out.Mark(ctx)
}
