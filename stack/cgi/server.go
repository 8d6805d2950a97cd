package cgi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/child"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Kind is the layer's name when its Config gives none.
const Kind = "cgi"

// Software is SERVER_SOFTWARE and the Server header.
const Software = "CGI/1.1 (ngw2f-lab)"

// Timeout is how long a script may run before it is killed.
const Timeout = 10 * time.Second

// ScriptLayer is the name of the script's side of the hand-offs in a
// journey.
const ScriptLayer = "script"

// Server is the CGI server.
type Server struct {
	*stack.Serial
	exe string // the lab's binary, which runs the scripts

	mu      sync.Mutex
	running *os.Process // the script being run, if any
	closed  bool        // Close was called: kill any script, answer nothing
}

// New returns a Server that will listen on cfg.Addr once started.
func New(cfg stack.Config) *Server {
	s := &Server{}
	s.Serial = stack.NewSerial(cfg, Kind, s.handle)
	return s
}

// Start finds the lab's binary, which scripts are run from, and starts
// serving.
func (s *Server) Start(ctx context.Context) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("%s: finding the lab's own binary to run scripts with: %w", s.Name(), err)
	}
	s.exe = exe
	return s.Serial.Start(ctx)
}

// handle serves the one request of a connection.
func (s *Server) handle(c net.Conn) {
	defer c.Close()
	req, err := http1.NewReader(c, http1.NginxLimits()).ReadRequest()
	switch {
	case errors.Is(err, io.EOF):
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
	if answer := s.run(c, t.script, env, req.Body); answer != nil {
		c.Write(answer)
	}
}

// run runs the script with env and the body on its standard input, and
// returns the answer to send, or nil when the server was closed meanwhile.
func (s *Server) run(c net.Conn, script string, env []string, body io.Reader) []byte {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.exe)
	cmd.Env = append(env, child.Mark(role(script)))
	race, ok := os.LookupEnv("GORACE")
	if !ok {
		race = "atexit_sleep_ms=0"
	}
	cmd.Env = append(cmd.Env, "GORACE="+race)
	in, err := io.ReadAll(body)
	if err != nil {
		return errorAnswer("400 Bad Request")
	}
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	s.Tap().Handoff(c, trace.Handoff{From: s.Name(), To: ScriptLayer, Dir: trace.Down, Name: "environment", Fields: fields(env)})
	start := time.Now()
	if err := cmd.Start(); err != nil {
		s.Tap().Log(c, "log", fmt.Sprintf("cannot run %s%s: %v", scriptPrefix, script, err))
		return errorAnswer("500 Internal Server Error")
	}
	s.setRunning(cmd.Process)
	defer s.setRunning(nil)
	pid := cmd.Process.Pid
	s.Tap().Log(c, "log", fmt.Sprintf("started %s%s as pid %d", scriptPrefix, script, pid))
	if len(in) > 0 {
		s.Tap().Handoff(c, trace.Handoff{From: s.Name(), To: ScriptLayer, Dir: trace.Down, Name: "stdin", Data: in})
	}
	err = cmd.Wait()
	s.Tap().Handoff(c, trace.Handoff{From: s.Name(), To: ScriptLayer, Dir: trace.Up, Name: "stdout", Data: stdout.Bytes()})
	for _, line := range strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n") {
		if line != "" {
			s.Tap().Log(c, "stderr", line)
		}
	}
	if ctx.Err() != nil {
		s.Tap().Log(c, "log", fmt.Sprintf("pid %d ran longer than %s and was killed", pid, Timeout))
	} else {
		s.Tap().Log(c, "log", fmt.Sprintf("pid %d %s after %s", pid, exitText(err), time.Since(start).Round(time.Millisecond)))
	}
	switch {
	case s.isClosed():
		return nil // the script was killed for Close, which may not yet have closed c
	case ctx.Err() != nil:
		return errorAnswer("504 Gateway Timeout")
	case err != nil:
		return errorAnswer("500 Internal Server Error")
	}
	answer, err := parseOutput(stdout.Bytes(), time.Now())
	if err != nil {
		s.Tap().Log(c, "log", fmt.Sprintf("%s%s: %v", scriptPrefix, script, err))
		return errorAnswer("500 Internal Server Error")
	}
	return answer
}

// setRunning records the script being run, and kills it at once if the
// server was closed while it started.
func (s *Server) setRunning(p *os.Process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = p
	if p != nil && s.closed {
		p.Kill()
	}
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close stops the server at once: it kills the script being run, if any,
// and closes the connection it was run for, with no answer.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	if s.running != nil {
		s.running.Kill()
	}
	s.mu.Unlock()
	return s.Serial.Close()
}

// exitText says how a script's process ended.
func exitText(err error) string {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return "exited with status 0"
	case errors.As(err, &ee) && ee.Exited():
		return fmt.Sprintf("exited with status %d", ee.ExitCode())
	default:
		return "ended: " + err.Error()
	}
}

// fields are env as a hand-off's fields.
func fields(env []string) []trace.Field {
	out := make([]trace.Field, 0, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, trace.Field{Key: k, Value: v})
	}
	return out
}
