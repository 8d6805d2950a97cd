package prefork

import (
	"bytes"
	"fmt"
	"sync"
)

// Bounds of what the master takes from a worker's standard error.
const (
	maxStderrKeep  = 4096 // bytes kept to say why a worker could not boot
	maxStderrLines = 200  // lines logged, for a worker that writes without end
)

// workerStderr is a worker's standard error as the master reads it. Each
// line goes to the master's log as it comes, as a gunicorn worker's
// traceback goes to the error log, so that a worker that crashes after it
// booted (a Go panic, a fatal error) leaves its words behind; the first
// bytes are kept besides, to say why a worker that never booted failed.
// Lines that come before the worker's PID is known wait for it.
type workerStderr struct {
	log func(line string) // the master's log

	mu      sync.Mutex
	pid     int
	kept    bytes.Buffer
	partial []byte   // a line not ended yet
	waiting []string // lines written before the PID was known
	lines   int
}

func (e *workerStderr) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if room := maxStderrKeep - e.kept.Len(); room > 0 {
		e.kept.Write(p[:min(len(p), room)])
	}
	e.partial = append(e.partial, p...)
	for {
		i := bytes.IndexByte(e.partial, '\n')
		if i < 0 {
			break
		}
		e.line(string(bytes.TrimRight(e.partial[:i], "\r")))
		e.partial = e.partial[i+1:]
	}
	if len(e.partial) > maxStderrKeep { // a line without end is cut
		e.line(string(e.partial))
		e.partial = e.partial[:0]
	}
	return len(p), nil
}

// line logs one line; e.mu must be held.
func (e *workerStderr) line(s string) {
	if e.pid == 0 {
		e.waiting = append(e.waiting, s)
		return
	}
	e.lines++
	switch {
	case e.lines <= maxStderrLines:
		e.log(fmt.Sprintf("worker pid %d: %s", e.pid, s))
	case e.lines == maxStderrLines+1:
		e.log(fmt.Sprintf("worker pid %d: ... (the rest of what it wrote is left out)", e.pid))
	}
}

// started sets the worker's PID and logs the lines that waited for it.
func (e *workerStderr) started(pid int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pid = pid
	for _, s := range e.waiting {
		e.line(s)
	}
	e.waiting = nil
}

// close logs a last line that had no line end; the worker has exited.
func (e *workerStderr) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.partial) > 0 {
		e.line(string(e.partial))
		e.partial = nil
	}
}

// Bytes returns the first bytes the worker wrote.
func (e *workerStderr) Bytes() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return bytes.Clone(e.kept.Bytes())
}

// crashLine returns the line of what the worker wrote that says why it
// crashed: a Go panic's or fatal error's first line, else the first line.
func (e *workerStderr) crashLine() string {
	text := bytes.TrimSpace(e.Bytes())
	if len(text) == 0 {
		return "it wrote nothing on its standard error"
	}
	lines := bytes.Split(text, []byte("\n"))
	for _, l := range lines {
		if bytes.HasPrefix(l, []byte("panic: ")) || bytes.HasPrefix(l, []byte("fatal error: ")) {
			return string(l)
		}
	}
	return string(lines[0])
}
