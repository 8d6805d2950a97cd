package prefork

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// arbiter is the master's loop, as gunicorn's Arbiter: one goroutine that
// owns the set of workers and changes it one step at a time, so that
// hooks fire in a fixed order. It reaps workers that exit, replaces them,
// kills those that time out, and carries out the calls the Server sends
// it.
type arbiter struct {
	s      *Server
	target int // workers wanted
	quit   bool
	halted error // why the arbiter gave up replacing workers
}

func newArbiter(s *Server) *arbiter {
	a := &arbiter{s: s, target: s.opts.Workers}
	s.arbiter = a
	return a
}

// tick is how often the arbiter looks for workers that timed out.
const tick = 50 * time.Millisecond

func (a *arbiter) run() {
	s := a.s
	defer close(s.done)
	t := time.NewTicker(tick)
	defer t.Stop()
	for !a.quit {
		select {
		case f := <-s.reqs:
			f()
		case w := <-s.exits:
			a.reap(w)
			a.manage()
		case <-t.C:
			a.murder()
		}
	}
	a.drain()
}

// drain takes the exits of workers that are still being reaped, so that
// no watcher waits for the arbiter after it returned.
func (a *arbiter) drain() {
	s := a.s
	done := make(chan struct{})
	go func() { s.watchers.Wait(); close(done) }()
	for {
		select {
		case <-s.exits:
		case <-done:
			return
		}
	}
}

// manage starts workers until there are as many as wanted, and asks the
// oldest ones to stop when there are too many, as gunicorn's
// manage_workers.
func (a *arbiter) manage() error {
	if a.quit || a.halted != nil {
		return a.halted
	}
	for a.live() < a.target {
		a.s.hooks.fire(nil, "pre_fork", "")
		w, err := a.s.spawn()
		if errors.Is(err, errStopping) {
			return err // the stop comes next, and says what it does
		}
		if err != nil {
			return a.halt(err)
		}
		a.s.mu.Lock()
		a.s.workers = append(a.s.workers, w)
		a.s.mu.Unlock()
	}
	for a.live() > a.target {
		w := a.oldest()
		w.retiring = true
		w.send(cmdStop)
	}
	return nil
}

// halt stops the master by itself, as gunicorn's arbiter does when it
// cannot make a worker: a master that kept its socket with no worker
// behind it would queue every client until the proxy in front timed out,
// where a closed socket is refused at once, and the proxy answers 502.
// The workers still running stop at once. Halted says why, after.
func (a *arbiter) halt(err error) error {
	a.halted = err
	a.s.mu.Lock()
	a.s.closed = true
	a.s.haltErr = err
	a.s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	a.stop(ctx, cmdQuit)
	return err
}

// live counts the workers that were not asked to stop. One that timed
// out still counts until it is reaped, as in gunicorn: its replacement
// starts after child_exit.
func (a *arbiter) live() int {
	n := 0
	for _, w := range a.s.workers {
		if !w.retiring {
			n++
		}
	}
	return n
}

// oldest returns the oldest worker that is not on its way out, or nil.
func (a *arbiter) oldest() *workerProc {
	for _, w := range a.s.workers {
		if !w.retiring && !w.aborted {
			return w
		}
	}
	return nil
}

// kill kills w for KillWorker: the master replaces it, as any worker that
// dies.
func (a *arbiter) kill(w *workerProc) error {
	w.killed = true
	return w.kill()
}

// reap forgets a worker that exited, as gunicorn's reap_workers.
func (a *arbiter) reap(w *workerProc) {
	s := a.s
	s.mu.Lock()
	i := slices.Index(s.workers, w)
	if i >= 0 {
		s.workers = slices.Delete(s.workers, i, i+1)
	}
	s.mu.Unlock()
	if i < 0 {
		if w == s.spare {
			s.spare = nil
		}
		w.ctl.Close()
		return // a spare, or a worker that never booted: spawn said so
	}
	w.ctl.Close()
	if sig, ok := killedBy(w.cmd.ProcessState); ok {
		s.log("log", fmt.Sprintf("Worker with pid %d was terminated due to signal %d", w.pid, sig))
	}
	if crash := a.crash(w); crash != "" {
		s.mu.Lock()
		s.lastCrash = crash
		s.mu.Unlock()
	}
	s.hooks.fire(nil, "child_exit", fmt.Sprintf("for worker pid %d", w.pid))
}

// crash says how a worker that ended on its own, neither told to nor
// killed by the master, ended: a signal, or an exit code with the line of
// its standard error that says why (a Go panic's). It returns "" for a
// worker the master ended, or that exited cleanly.
func (a *arbiter) crash(w *workerProc) string {
	if w.killed || w.aborted || w.retiring || a.quit {
		return ""
	}
	ps := w.cmd.ProcessState
	if sig, ok := killedBy(ps); ok {
		return fmt.Sprintf("worker %d was killed by signal %d", w.pid, sig)
	}
	if code := ps.ExitCode(); code != exitOK && code != exitOrphan {
		return fmt.Sprintf("worker %d exited with code %d: %s", w.pid, code, w.stderr.crashLine())
	}
	return ""
}

// murder kills workers that have been silent longer than the timeout:
// first it tells them to abort (gunicorn's SIGABRT), so that worker_abort
// fires, then, if that did not end them by the next look, it kills them.
func (a *arbiter) murder() {
	s := a.s
	if s.opts.Timeout <= 0 {
		return
	}
	now := time.Now().UnixNano()
	for _, w := range s.workers {
		if !w.readyNow || now-w.lastBeat.Load() <= int64(s.opts.Timeout) {
			continue
		}
		if !w.aborted {
			w.aborted = true
			s.log("log", fmt.Sprintf("WORKER TIMEOUT (pid:%d)", w.pid))
			w.send(cmdAbort)
			w.lastBeat.Store(now)
			continue
		}
		w.kill()
	}
	a.manage()
}

// handle carries out TTIN, TTOU and HUP.
func (a *arbiter) handle(sig Signal) error {
	s := a.s
	switch sig {
	case TTIN:
		a.setTarget(a.target + 1)
	case TTOU:
		if a.target <= 1 {
			return nil
		}
		a.setTarget(a.target - 1)
	case HUP:
		// gunicorn reloads its configuration (which sets the number of
		// workers again), starts a new set of workers, and retires the old.
		a.setTarget(a.target)
		s.hooks.fire(nil, "on_reload", "")
		old := a.live()
		a.target += old
		if err := a.manage(); err != nil {
			return err
		}
		a.target -= old
	}
	return a.manage()
}

func (a *arbiter) setTarget(n int) {
	a.s.hooks.fire(nil, "nworkers_changed", fmt.Sprintf("%d -> %d", a.target, n))
	a.target = n
}

// settled reports whether the workers are as wanted: as many as the
// target, all ready, none on its way out.
func (a *arbiter) settled() bool {
	if a.halted != nil {
		return true
	}
	for _, w := range a.s.workers {
		if !w.readyNow || w.retiring || w.aborted || w.killed || w.gone.Load() || w.leaving.Load() {
			return false
		}
	}
	return len(a.s.workers) == a.target
}

// stop closes the socket, sends every worker cmd, and waits for them to
// exit until ctx ends or the graceful timeout passes; then it kills what
// is left and waits for that. Then on_exit fires and the arbiter quits.
func (a *arbiter) stop(ctx context.Context, cmd byte) error {
	s := a.s
	a.quit = true
	s.mu.Lock()
	s.lnFile.Close()
	s.uncover()
	s.mu.Unlock()
	if s.spare != nil {
		s.spare.ctl.Close() // it exits: no configuration will come
		s.spare = nil
	}
	for _, w := range s.workers {
		w.send(cmd)
	}
	deadline := time.NewTimer(s.opts.GracefulTimeout)
	defer deadline.Stop()
	var err error
	done := ctx.Done()
	for len(s.workers) > 0 {
		select {
		case w := <-s.exits:
			a.reap(w)
		case <-done:
			err = fmt.Errorf("%s: workers still serving: %w", s.name, ctx.Err())
			a.killAll()
			done = nil
		case <-deadline.C:
			a.killAll()
		}
	}
	s.log("log", "Shutting down: Master")
	if a.halted != nil {
		s.log("log", "Reason: "+a.halted.Error())
	}
	s.hooks.fire(nil, "on_exit", "")
	return err
}

func (a *arbiter) killAll() {
	for _, w := range a.s.workers {
		w.kill()
	}
}

// describe says how the workers stand, for an error message.
func (a *arbiter) describe() string {
	parts := []string{fmt.Sprintf("%d wanted", a.target)}
	for _, w := range a.s.workers {
		var flags []string
		for _, f := range []struct {
			on   bool
			name string
		}{{!w.readyNow, "booting"}, {w.retiring, "retiring"}, {w.aborted, "timed out"},
			{w.killed, "killed"}, {w.gone.Load(), "exiting"}, {w.leaving.Load(), "leaving"}} {
			if f.on {
				flags = append(flags, f.name)
			}
		}
		if len(flags) == 0 {
			flags = []string{"ready"}
		}
		parts = append(parts, fmt.Sprintf("pid %d %s", w.pid, strings.Join(flags, ",")))
	}
	return strings.Join(parts, "; ")
}
