package cgi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/child"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// chunk is the most bytes of a script's standard input or output that
// one hand-off carries, and the most of its output the server holds: an
// answer that fits is sent whole once the script has exited, as before
// streaming, and a longer one goes out as it comes.
const chunk = 64 << 10

// job is one run of a script, for the request on c.
type job struct {
	s        *Server
	c        net.Conn
	in       *idleReader // c's reading side, which the body comes through
	cmd      *exec.Cmd
	stderr   bytes.Buffer
	start    time.Time
	watchdog *time.Timer // kills the script when nothing moved for Timeout
	timedOut atomic.Bool
	fed      chan error // the body feeder's result: nil, or why the body failed
}

// run runs the script with env and body on its standard input, and
// answers c, unless the server was closed meanwhile. The body streams to
// the script as it arrives; nothing holds it whole.
func (s *Server) run(c net.Conn, in *idleReader, script string, env []string, body io.Reader) {
	j := &job{s: s, c: c, in: in, cmd: exec.Command(s.exe), fed: make(chan error, 1)}
	race, ok := os.LookupEnv("GORACE")
	if !ok {
		race = "atexit_sleep_ms=0"
	}
	j.cmd.Env = append(env, child.Mark(role(script)), "GORACE="+race)
	j.cmd.Stderr = &j.stderr
	stdin, stdout, life, err := pipes(j.cmd)
	if err != nil {
		s.Tap().Log(c, "log", fmt.Sprintf("cannot run %s%s: %v", scriptPrefix, script, err))
		c.Write(errorAnswer("500 Internal Server Error"))
		return
	}
	defer life.Close()
	s.Tap().Handoff(c, trace.Handoff{From: s.Name(), To: ScriptLayer, Dir: trace.Down, Name: "environment", Fields: fields(env)})
	j.start = time.Now()
	if err := j.cmd.Start(); err != nil {
		stdin.Close()
		stdout.Close()
		s.Tap().Log(c, "log", fmt.Sprintf("cannot run %s%s: %v", scriptPrefix, script, err))
		c.Write(errorAnswer("500 Internal Server Error"))
		return
	}
	s.track(j.cmd.Process)
	s.Tap().Log(c, "log", fmt.Sprintf("started %s%s as pid %d", scriptPrefix, script, j.cmd.Process.Pid))
	j.watchdog = time.AfterFunc(Timeout, func() {
		if j.cmd.Process.Kill() == nil {
			j.timedOut.Store(true)
		}
	})
	go j.feed(moving{body, j.watchdog}, stdin)
	out := moving{stdout, j.watchdog}
	buf := make([]byte, chunk)
	n, err := io.ReadFull(out, buf)
	if err != nil { // the end of the output, or of the pipe: the answer is whole
		j.answerWhole(buf[:n])
		return
	}
	j.stream(buf, out)
}

// pipes gives cmd its standard input and output, and a lifeline, so that
// the script ends with the lab however the lab ends.
func pipes(cmd *exec.Cmd) (io.WriteCloser, io.ReadCloser, *child.Lifeline, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stdin.Close()
		return nil, nil, nil, err
	}
	life, err := child.Tether(cmd)
	if err != nil {
		stdin.Close()
		stdout.Close()
		return nil, nil, nil, err
	}
	return stdin, stdout, life, nil
}

// feed copies the request body to the script's standard input, each
// piece recorded as a hand-off first, then closes it. When the script
// stops reading (it exited, or closed its input) the rest of the body is
// read and dropped, so that the client can read its answer. When the body
// fails (the client sends nothing for the read timeout, or closes too
// soon), feed logs why and kills the script: the request is not whole.
func (j *job) feed(body io.Reader, stdin io.WriteCloser) {
	defer stdin.Close()
	buf := make([]byte, chunk)
	toScript := true
	for {
		n, err := io.ReadFull(body, buf)
		if n > 0 && toScript {
			j.s.Tap().Handoff(j.c, trace.Handoff{From: j.s.Name(), To: ScriptLayer, Dir: trace.Down, Name: "stdin", Data: buf[:n]})
			if _, werr := stdin.Write(buf[:n]); werr != nil {
				toScript = false
			} else {
				j.watchdog.Reset(Timeout)
			}
		}
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF: // the body's end, short of a full buf
			j.fed <- nil
			return
		case err != nil:
			if !j.timedOut.Load() && !errors.Is(err, net.ErrClosed) {
				j.s.Tap().Log(j.c, "log", bodyFailure(err, j.in.timeout))
				j.cmd.Process.Kill()
			}
			j.fed <- err
			return
		}
	}
}

// bodyFailure says why a request body did not arrive whole.
func bodyFailure(err error, timeout time.Duration) string {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Sprintf("the client sent nothing more of its body for %s: the script is killed", timeout)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the client closed its connection before the end of its body: the script is killed"
	default:
		return fmt.Sprintf("reading the body: %v: the script is killed", err)
	}
}

// wait waits for the script to exit and for its body to be read, and
// returns how the script ended and the body's failure, if any.
func (j *job) wait() (exit, body error) {
	exit = j.cmd.Wait()
	j.s.untrack(j.cmd.Process)
	if j.timedOut.Load() {
		j.in.stop() // no waiting for a client that stalled
	}
	body = <-j.fed
	j.watchdog.Stop() // the feeder, which resets it, is done
	return exit, body
}

// logEnd logs the script's standard error and how it ended.
func (j *job) logEnd(exit error) {
	for _, line := range strings.Split(strings.TrimRight(j.stderr.String(), "\n"), "\n") {
		if line != "" {
			j.s.Tap().Log(j.c, "stderr", line)
		}
	}
	pid := j.cmd.Process.Pid
	if j.timedOut.Load() {
		j.s.Tap().Log(j.c, "log", fmt.Sprintf("pid %d ran longer than %s and was killed", pid, Timeout))
		return
	}
	j.s.Tap().Log(j.c, "log", fmt.Sprintf("pid %d %s after %s", pid, exitText(exit), time.Since(j.start).Round(time.Millisecond)))
}

// answerWhole answers with out, the script's whole output, once the
// script has exited: the server's own error page when the script failed
// or its output is no CGI answer.
func (j *job) answerWhole(out []byte) {
	exit, body := j.wait()
	j.s.Tap().Handoff(j.c, trace.Handoff{From: j.s.Name(), To: ScriptLayer, Dir: trace.Up, Name: "stdout", Data: out})
	j.logEnd(exit)
	switch {
	case j.s.isClosed() || body != nil:
		return // the script was killed for Close, or the request never came whole
	case j.timedOut.Load():
		j.c.Write(errorAnswer("504 Gateway Timeout"))
		return
	case exit != nil:
		j.c.Write(errorAnswer("500 Internal Server Error"))
		return
	}
	answer, err := parseOutput(out, time.Now())
	if err != nil {
		j.s.Tap().Log(j.c, "log", fmt.Sprintf("pid %d: %v", j.cmd.Process.Pid, err))
		j.c.Write(errorAnswer("500 Internal Server Error"))
		return
	}
	j.c.Write(answer)
}

// stream answers with an output longer than chunk, whose first chunk
// bytes are in buf: the answer's head and those bytes go out at once, the
// rest as the script writes it, and the close ends the body. How the
// script ends can no longer change the status: it is only logged.
func (j *job) stream(buf []byte, out io.Reader) {
	answer, err := parseOutput(buf, time.Now())
	j.s.Tap().Handoff(j.c, trace.Handoff{From: j.s.Name(), To: ScriptLayer, Dir: trace.Up, Name: "stdout", Data: buf})
	if err != nil {
		j.cmd.Process.Kill()
		exit, _ := j.wait()
		j.logEnd(exit)
		j.s.Tap().Log(j.c, "log", fmt.Sprintf("pid %d: %v", j.cmd.Process.Pid, err))
		if !j.s.isClosed() {
			j.c.Write(errorAnswer("500 Internal Server Error"))
		}
		return
	}
	_, werr := j.c.Write(answer)
	for werr == nil {
		n, err := out.Read(buf)
		if n > 0 {
			j.s.Tap().Handoff(j.c, trace.Handoff{From: j.s.Name(), To: ScriptLayer, Dir: trace.Up, Name: "stdout", Data: buf[:n]})
			_, werr = j.c.Write(buf[:n])
		}
		if err != nil {
			break
		}
	}
	if werr != nil { // the client went away: nobody reads the rest
		j.cmd.Process.Kill()
	}
	exit, _ := j.wait()
	j.logEnd(exit)
}

// moving is a reader that resets a watchdog each time bytes come
// through it.
type moving struct {
	r        io.Reader
	watchdog *time.Timer
}

func (m moving) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if n > 0 {
		m.watchdog.Reset(Timeout)
	}
	return n, err
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
