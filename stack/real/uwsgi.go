package real

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/lazy"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

// Uwsgi is uWSGI speaking the binary uwsgi protocol to nginx's
// uwsgi_pass (uwsgi --socket ADDR --protocol uwsgi), a master and its
// worker processes serving one of the talk's apps behind a relay: what
// the lab's pre-fork server stands for with protocol=uwsgi.
type Uwsgi struct {
	base
	app  string
	want int // how many workers it runs

	dying map[int]bool // workers killed that uWSGI has not replaced yet; b.mu
}

// NewUwsgi returns uWSGI with the settings of the lab's pre-fork server
// that it has: app and workers. Hooks are gunicorn's; uWSGI has none.
func NewUwsgi(cfg stack.Config, progs *Programs, args map[string]string) (*Uwsgi, error) {
	opts, err := prefork.ParseOptions(args)
	if err != nil {
		return nil, err
	}
	found, err := progs.Find(ProgramUwsgi)
	if err != nil {
		return nil, err
	}
	if opts.App == "" {
		opts.App = "hello:application"
	}
	if err := needs(found, opts.App, "uWSGI's"); err != nil {
		return nil, err
	}
	if opts.Workers == 0 {
		opts.Workers = 2
	}
	return &Uwsgi{base: newBase(cfg, prefork.Kind, found, "TERM", "INT"), app: opts.App, want: opts.Workers,
		dying: map[int]bool{}}, nil
}

// Start starts uWSGI and returns once its workers run.
func (u *Uwsgi) Start(ctx context.Context) error {
	if err := u.prepare(true, u.line, u.report); err != nil {
		return err
	}
	return u.launch(ctx, u.command, u.waitSettled)
}

// command is uWSGI's command, to listen on private.
func (u *Uwsgi) command(private string) (command, error) {
	args := []string{"--socket", private, "--protocol", "uwsgi", "--master",
		"--processes", strconv.Itoa(u.want), "--pythonpath", u.dir, "--module", "lab_uwsgi:application",
		"--env", "NGW2F_LAB_APP=" + u.app, "--die-on-term", "--need-app", "--no-defer-accept"}
	if u.found.Plugin != "" {
		args = append([]string{"--need-plugin", u.found.Plugin}, args...)
	}
	return command{Path: u.found.Path, Args: args}, nil
}

var (
	uwsgiSpawned   = lazy.Regexp(`^spawned uWSGI worker \d+ \(pid: (\d+)`)
	uwsgiRespawned = lazy.Regexp(`^Respawned uWSGI worker \d+ \(new pid: (\d+)\)`)
	uwsgiDied      = lazy.Regexp(`^DAMN ! worker \d+ \(pid: (\d+)\) died`)
	uwsgiRequest   = lazy.Regexp(`^\[pid: (\d+)\|`)
)

// line follows uWSGI's output: the workers it starts and loses are
// noted and shown; a request it logs goes under its connection; the rest
// of its talk (the banner) is left out.
func (u *Uwsgi) line(l string) {
	pid := u.masterPID()
	switch {
	case uwsgiSpawned().MatchString(l):
		u.addWorker(atoi(uwsgiSpawned().FindStringSubmatch(l)[1]))
	case uwsgiRespawned().MatchString(l):
		u.addWorker(atoi(uwsgiRespawned().FindStringSubmatch(l)[1]))
	case uwsgiDied().MatchString(l):
		w := atoi(uwsgiDied().FindStringSubmatch(l)[1])
		u.dropWorker(w)
		u.mu.Lock()
		delete(u.dying, w)
		u.mu.Unlock()
	case uwsgiRequest().MatchString(l):
		u.tapAs(atoi(uwsgiRequest().FindStringSubmatch(l)[1])).Log(u.only(), "log", l)
		return
	case strings.HasPrefix(l, "spawned uWSGI master"), strings.HasPrefix(l, "goodbye to uWSGI"):
	default:
		return
	}
	u.tapAs(pid).Log(nil, "log", l)
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// report records what the middleware in a worker reports.
func (u *Uwsgi) report(r *report) {
	handoff(u.tapAs(r.PID), u.conn(r.Peer), u.name, r)
}

// settled reports whether uWSGI runs the workers it should, and has
// replaced every one killed.
func (u *Uwsgi) settled() (bool, string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.workers) == u.want && len(u.dying) == 0,
		fmt.Sprintf("%d of %d workers up, %d going", len(u.workers), u.want, len(u.dying))
}

// waitSettled waits until uWSGI is settled, reading its output as it
// comes.
func (u *Uwsgi) waitSettled(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		if err := u.out.Mark(ctx); err != nil {
			_, state := u.settled()
			return fmt.Errorf("waiting for uWSGI's workers (%s): %w", state, err)
		}
		if ok, _ := u.settled(); ok {
			return nil
		}
		if ended, how := u.proc.Exited(); ended {
			return fmt.Errorf("uWSGI stopped (%s)", how)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// FlushTrace returns once uWSGI is settled and every line it wrote so
// far is read.
func (u *Uwsgi) FlushTrace(ctx context.Context) error {
	if ended, _ := u.proc.Exited(); ended {
		return nil
	}
	return u.waitSettled(ctx)
}

// KillWorker kills the oldest worker with SIGKILL and returns its PID;
// uWSGI's master replaces it.
func (u *Uwsgi) KillWorker(ctx context.Context) (int, error) {
	pid, err := u.oldestWorker()
	if err != nil {
		return 0, err
	}
	return pid, u.KillWorkerPID(ctx, pid)
}

// KillWorkerPID kills the worker pid with SIGKILL, while it is one of
// uWSGI's workers.
func (u *Uwsgi) KillWorkerPID(ctx context.Context, pid int) error {
	if err := u.claimWorker(pid, u.dying); err != nil {
		return err
	}
	return u.proc.SignalPID(pid, "KILL")
}

// Signal sends uWSGI's master sig: HUP reloads its workers, TERM stops it
// (--die-on-term), INT and QUIT stop it at once. uWSGI 2.0 has no TTIN or
// TTOU.
func (u *Uwsgi) Signal(ctx context.Context, sig prefork.Signal) error {
	switch sig {
	case prefork.TERM:
		return u.Shutdown(ctx)
	case prefork.INT, prefork.QUIT:
		return u.stop(ctx, string(sig))
	case prefork.HUP:
		return u.proc.Signal("HUP")
	}
	return fmt.Errorf("%s: uWSGI's master does not take SIG%s (gunicorn's does)", u.name, sig)
}
