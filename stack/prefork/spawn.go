package prefork

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync/atomic"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/child"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Procs is how the master makes processes. The zero value of each field
// means the real thing; tests replace a field to make a start fail.
type Procs struct {
	// Executable returns the path of the binary to start as a worker,
	// resolved once when the server starts: the lab passes lean.Executable,
	// its lean child executable or its own binary; the zero value is this
	// process's own binary (go run builds it to a temporary path, which
	// stays valid while it runs).
	Executable func() (string, error)
	// Start starts a prepared command.
	Start func(*exec.Cmd) error
}

func (p Procs) withDefaults() Procs {
	if p.Executable == nil {
		p.Executable = os.Executable
	}
	if p.Start == nil {
		p.Start = (*exec.Cmd).Start
	}
	return p
}

// worker is the master's view of one worker process.
type workerProc struct {
	pid    int
	cmd    *exec.Cmd
	ctl    *os.File // write end of the control pipe; closing it orphans the worker
	stderr *workerStderr

	ready     chan struct{} // closed when the worker says it accepts
	exited    chan struct{} // closed once it was reaped and its events read
	gone      atomic.Bool   // its event pipe closed: it is exiting
	leaving   atomic.Bool   // it said it will exit (max requests)
	lastBeat  atomic.Int64  // unix nanoseconds of its last sign of life
	acks      chan uint64   // answers to flush commands
	readySeen bool          // owned by watch
	events    trace.Decoder // owned by watch

	// Owned by the arbiter.
	aborted  bool // told to abort (ABRT) for a timeout
	retiring bool // told to stop (TERM): it is not replaced
	killed   bool // killed by KillWorker
	readyNow bool
}

// spawn makes a worker and returns once it accepts, or with
// the reason it could not boot. It takes the spare process when there is
// one, and starts a new spare behind it.
//
// Go cannot fork a running program as gunicorn's master forks itself, so
// a new worker is a binary started afresh (Procs.Executable), which takes
// milliseconds to initialise its packages. A spare is a process started
// ahead of need, initialised and waiting for its configuration on the
// control pipe: what fork gives gunicorn for free.
// It is no worker until it is given its configuration, and fires no hook
// before that.
func (s *Server) spawn() (*workerProc, error) {
	w := s.spare
	s.spare = nil
	if w == nil || w.gone.Load() {
		var err error
		if w, err = s.exec(); err != nil {
			return nil, err
		}
	}
	if err := s.boot(w); err != nil {
		return w, err
	}
	if sp, err := s.exec(); err == nil {
		s.spare = sp
	}
	return w, nil
}

// exec starts the children's binary as a process that waits to become a
// worker.
func (s *Server) exec() (*workerProc, error) {
	evR, evW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		evR.Close()
		evW.Close()
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	w := &workerProc{ctl: ctlW, stderr: &workerStderr{log: func(line string) { s.log("log", line) }},
		ready: make(chan struct{}), exited: make(chan struct{}), acks: make(chan uint64, 4)}
	cmd := exec.Command(s.exe)
	cmd.Env = append(os.Environ(), child.Mark(childRole))
	if s.opts.Threads <= 1 && os.Getenv("GOMAXPROCS") == "" {
		// A sync worker serves one request at a time from one goroutine,
		// as gunicorn's runs one thread. A second P only lets the Go
		// runtime hand it back and forth around each accept, read and
		// write: ~7 µs of CPU a request more, measured. Given at exec,
		// the runtime starts with one P, where runtime.GOMAXPROCS(1) in
		// the worker stopped the world to drop the other: ~1 ms of CPU
		// of each worker's start (BenchmarkExecToServing).
		cmd.Env = append(cmd.Env, "GOMAXPROCS=1")
	}
	cmd.ExtraFiles = []*os.File{s.lnFile, evW, ctlR} // fds 3, 4, 5
	cmd.Stderr = w.stderr
	ownGroup(cmd)
	w.cmd = cmd
	err = s.procs.Start(cmd)
	evW.Close()
	ctlR.Close()
	if err != nil {
		evR.Close()
		ctlW.Close()
		return nil, fmt.Errorf("%s: starting a worker: %w", s.name, err)
	}
	w.pid = cmd.Process.Pid
	w.stderr.started(w.pid)
	s.watchers.Add(1)
	go s.watch(w, evR)
	return w, nil
}

// boot gives a started process its configuration and waits until it
// accepts.
func (s *Server) boot(w *workerProc) error {
	w.lastBeat.Store(time.Now().UnixNano())
	msg, err := s.workerConfig().message()
	if err == nil {
		_, err = w.ctl.Write(msg)
	}
	if err != nil {
		w.kill()
	}
	select {
	case <-w.ready:
		w.readyNow = true
		return nil
	case <-w.exited:
		w.ctl.Close()
		return s.bootError(w)
	case <-time.After(bootTimeout):
		w.kill()
		<-w.exited
		w.ctl.Close()
		return fmt.Errorf("%s: worker pid %d did not boot within %s", s.name, w.pid, bootTimeout)
	case <-s.stopping:
		w.kill()
		<-w.exited
		w.ctl.Close()
		return errStopping
	}
}

// errStopping is a worker's boot given up because the server is stopping.
var errStopping = errors.New("prefork: stopping")

// send writes one of the master's commands (cmdStop, cmdQuit, cmdAbort)
// to the worker's control pipe. A worker that is gone cannot take it.
func (w *workerProc) send(cmd byte) error {
	_, err := w.ctl.Write(command(cmd, 0))
	return err
}

// kill kills the worker, as kill -9 does: the one signal the master
// sends, for a worker that does not stop when told.
func (w *workerProc) kill() error { return w.cmd.Process.Kill() }

// bootTimeout bounds how long a worker may take to start accepting.
const bootTimeout = 10 * time.Second

// bootError says why a worker exited before it was ready.
func (s *Server) bootError(w *workerProc) error {
	why := "Worker failed to boot."
	if w.cmd.ProcessState != nil && w.cmd.ProcessState.ExitCode() == exitAppError {
		why = "App failed to load."
	}
	if msg := bytes.TrimSpace(w.stderr.Bytes()); len(msg) > 0 {
		return fmt.Errorf("%s: %s %s", s.name, why, msg)
	}
	return fmt.Errorf("%s: %s (%s)", s.name, why, w.cmd.ProcessState)
}

// watch reads a worker's frames until its pipe closes, reaps it, and
// tells the arbiter. Events go to the lab's recorder in the order the
// worker recorded them. A worker that sends a frame the master cannot
// read cannot be trusted, nor watched any more: it is killed at once, and
// the log says why, rather than left serving unobserved until its
// timeout.
func (s *Server) watch(w *workerProc, events *os.File) {
	defer s.watchers.Done()
	fr := trace.NewFrameReader(events)
	for {
		p, err := fr.Next()
		if err == nil {
			err = s.frame(w, p)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				s.log("log", fmt.Sprintf("Worker with pid %d sent what the master cannot read (%v): killing it", w.pid, err))
				w.kill()
			}
			break
		}
	}
	w.gone.Store(true)
	events.Close()
	w.cmd.Wait()
	w.stderr.close()
	close(w.exited)
	s.exits <- w
}

// errBadFrame is a frame from a worker that is no frame of the protocol.
var errBadFrame = errors.New("prefork: a malformed frame")

// frame handles one frame from w.
func (s *Server) frame(w *workerProc, p []byte) error {
	if len(p) == 0 {
		return errBadFrame
	}
	switch p[0] {
	case frameEvent:
		// e.Data is p's memory, which Record copies.
		e, err := w.events.Parse(p[1:])
		if err != nil {
			return err
		}
		if s.cfg.Trace != nil {
			s.cfg.Trace.Record(e)
		}
	case frameReady:
		if w.readySeen {
			return fmt.Errorf("%w: ready twice", errBadFrame)
		}
		w.readySeen = true
		w.lastBeat.Store(time.Now().UnixNano())
		close(w.ready)
	case frameBye:
		w.leaving.Store(true)
	case frameBeat:
		w.lastBeat.Store(time.Now().UnixNano())
	case frameFlush:
		if len(p) != 9 {
			return fmt.Errorf("%w: a flush answer of %d bytes", errBadFrame, len(p))
		}
		select {
		case w.acks <- binary.BigEndian.Uint64(p[1:]):
		default:
		}
	default:
		return fmt.Errorf("%w: kind %q", errBadFrame, p[0])
	}
	return nil
}
