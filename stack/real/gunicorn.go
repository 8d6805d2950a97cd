package real

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Gunicorn is the real gunicorn serving one of the talk's apps, with the
// talk's config.py (whose hooks tell the lab when they fire), behind a
// relay. The lab's middleware, put around the app in each worker by
// post_worker_init, reports environ, start_response and each chunk.
type Gunicorn struct {
	base
	opts  prefork.Options
	shown []string // the hooks the lab shows as they fire

	// What the master wants and has, from its hooks: target workers,
	// workers started but not booted yet, and workers told to go that have
	// not gone yet. b.mu guards them.
	target  int
	booting map[int]bool
	dying   map[int]bool
	ready   bool // when_ready has fired
	// busy counts, by worker, the requests between their pre_request and
	// post_request hooks: a worker still closes the app's body and runs
	// post_request after the client has its answer.
	busy map[int]int
}

// NewGunicorn returns gunicorn with the settings of the lab's pre-fork
// server (prefork.ParseOptions): app, workers, timeout, graceful-timeout,
// max-requests, hooks, worker-class and threads. It fails with a
// *MissingError when gunicorn, or a module the app needs, is missing.
func NewGunicorn(cfg stack.Config, progs *Programs, args map[string]string) (*Gunicorn, error) {
	opts, err := prefork.ParseOptions(args)
	if err != nil {
		return nil, err
	}
	if opts.Protocol == prefork.ProtocolUwsgi {
		return nil, fmt.Errorf("gunicorn does not speak the uwsgi protocol: uWSGI does")
	}
	found, err := progs.Find(ProgramGunicorn)
	if err != nil {
		return nil, err
	}
	if opts.App == "" {
		opts.App = "hello:application"
	}
	if err := needs(found, opts.App, "gunicorn's"); err != nil {
		return nil, err
	}
	if opts.Workers == 0 {
		opts.Workers = 2
	}
	shown := opts.Hooks
	if shown == nil {
		shown = prefork.TalkHooks
	}
	return &Gunicorn{base: newBase(cfg, prefork.Kind, found, "TERM", "INT"), opts: opts, shown: shown,
		target: opts.Workers, booting: map[int]bool{}, dying: map[int]bool{}, busy: map[int]int{}}, nil
}

// needs checks that app (module:callable) is one of the talk's apps the
// lab has in Python, and that found's interpreter has what it imports.
func needs(found *Found, app, whose string) error {
	module, _, _ := strings.Cut(app, ":")
	if !slices.Contains(pythonApps(), module) {
		return fmt.Errorf("the lab has no app %s in Python for the real servers (it has the modules %s)", app, strings.Join(pythonApps(), ", "))
	}
	mod := map[string]string{"app": "Flask", "tour": "Flask", "werkzeug_app": "Werkzeug"}[module]
	if mod == "" || found.Program == ProgramGunicorn && found.Python == "" {
		return nil // nothing to import, or no way to tell
	}
	if !found.HasModule(mod) {
		python := found.Python
		if python == "" {
			python = found.Path
		}
		return &MissingError{What: mod + " for " + whose + " Python (" + python + ")", Why: app + " imports it",
			Debian: "python3-" + strings.ToLower(mod), Homebrew: "pip3 install " + strings.ToLower(mod)}
	}
	return nil
}

// notApps are the Python files that are no app: the reporter, the
// talk's config.py, the servers' scripts.
var notApps = []string{"lab_report", "config", "serve", "webserver", "lab_uwsgi"}

// pythonApps lists the modules of the apps the lab has in Python.
func pythonApps() []string {
	entries, _ := fs.ReadDir(pythonFiles, "python")
	var out []string
	for _, e := range entries {
		if m := strings.TrimSuffix(e.Name(), ".py"); !slices.Contains(notApps, m) {
			out = append(out, m)
		}
	}
	return out
}

// Start starts gunicorn and returns once its workers have booted.
func (g *Gunicorn) Start(ctx context.Context) error {
	if err := g.prepare(true, func(string) {}, g.report); err != nil {
		return err
	}
	return g.launch(ctx, g.command, g.waitSettled)
}

// command is gunicorn's command, to listen on private.
func (g *Gunicorn) command(private string) (command, error) {
	o := g.opts
	args := []string{"--config", "config.py", "--chdir", g.dir, "--bind", private,
		"--workers", strconv.Itoa(o.Workers)}
	if o.Timeout != 0 {
		args = append(args, "--timeout", seconds(max(o.Timeout, 0)))
	}
	if o.GracefulTimeout != 0 {
		args = append(args, "--graceful-timeout", seconds(o.GracefulTimeout))
	}
	if o.MaxRequests != 0 {
		args = append(args, "--max-requests", strconv.Itoa(o.MaxRequests))
	}
	if o.WorkerClass == prefork.ClassThread {
		threads := o.Threads
		if threads == 0 {
			threads = 4
		}
		args = append(args, "--worker-class", "gthread", "--threads", strconv.Itoa(threads))
	}
	args = append(args, o.App)
	return command{Path: g.found.Path, Args: args}, nil
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) }

// report handles what gunicorn's processes report.
func (g *Gunicorn) report(r *report) {
	t := g.tapAs(r.PID)
	switch r.Kind {
	case "hook":
		g.hook(r)
		if slices.Contains(g.shown, r.Name) {
			text := r.Name
			if r.Extra != "" {
				text += " " + r.Extra
			}
			t.Log(g.connOf(r.Peer), "hook", fmt.Sprintf("%s (%s, pid %d)", text, r.Role, r.PID))
		}
	case "log":
		t.Log(nil, "log", r.Text)
	default:
		handoff(t, g.connOf(r.Peer), g.name, r)
	}
}

// connOf returns the relayed connection gunicorn sees as peer.
func (g *Gunicorn) connOf(peer string) net.Conn {
	if peer == "" {
		return nil
	}
	return g.conn(peer)
}

// handoff records a report from inside a worker (environ,
// start_response, a chunk, close) as the hand-off between the server
// named server and the app.
func handoff(t *trace.Tap, c net.Conn, server string, r *report) {
	h := trace.Handoff{From: server, To: "gateway", Dir: trace.Up, Name: r.Kind}
	switch r.Kind {
	case "environ":
		h.Dir, h.Fields = trace.Down, r.fields()
	case "start_response":
		h.Fields = r.fields()
	case "chunk":
		h.Data = r.Data
	case "close":
	default:
		return
	}
	t.Handoff(c, h)
}

// hook follows the master's workers by its hooks.
func (g *Gunicorn) hook(r *report) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch r.Name {
	case "when_ready":
		g.ready = true
	case "post_fork":
		g.booting[r.PID] = true
	case "post_worker_init":
		delete(g.booting, r.PID)
		if !slices.Contains(g.workers, r.PID) {
			g.workers = append(g.workers, r.PID)
		}
	case "pre_request":
		g.busy[r.PID]++
	case "post_request":
		if g.busy[r.PID]--; g.busy[r.PID] <= 0 {
			delete(g.busy, r.PID)
		}
	case "worker_abort", "worker_exit":
		// It is on its way out; the master replaces it once it is gone.
		if slices.Contains(g.workers, r.PID) {
			g.dying[r.PID] = true
		}
		delete(g.busy, r.PID)
	case "child_exit":
		delete(g.booting, r.Worker)
		delete(g.dying, r.Worker)
		delete(g.busy, r.Worker)
		g.workers = slices.DeleteFunc(g.workers, func(p int) bool { return p == r.Worker })
	case "nworkers_changed":
		g.target = r.Workers
	}
}

// settled reports whether the master has the workers it wants, every one
// booted, and none it was told to end is left.
func (g *Gunicorn) settled() (bool, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ok := g.ready && len(g.booting) == 0 && len(g.dying) == 0 && len(g.workers) == g.target
	return ok, fmt.Sprintf("%d of %d workers up, %d booting, %d going", len(g.workers), g.target, len(g.booting), len(g.dying))
}

// waitSettled waits until the master is settled, or stopped.
func (g *Gunicorn) waitSettled(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		ok, state := g.settled()
		if ok {
			return nil
		}
		if ended, how := g.proc.Exited(); ended {
			return fmt.Errorf("%s stopped (%s)", g.found.Version, how)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for gunicorn's workers (%s): %w", state, ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// busyWait bounds how long FlushTrace waits for the workers to finish
// the requests they serve: a slow app may hold one longer, and its
// events then come later.
const busyWait = time.Second

// FlushTrace returns once gunicorn is settled and its workers have
// finished the requests they serve (a second at most): every event of
// its processes is reported as it happens, so that is all there is to
// wait for.
func (g *Gunicorn) FlushTrace(ctx context.Context) error {
	if ended, _ := g.proc.Exited(); ended {
		return nil
	}
	if err := g.waitSettled(ctx); err != nil {
		return err
	}
	deadline := time.Now().Add(busyWait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		g.mu.Lock()
		idle := len(g.busy) == 0
		g.mu.Unlock()
		if idle {
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return nil
}

// Signal sends gunicorn's master sig, as kill does: TTIN adds a worker,
// TTOU removes one, HUP replaces them all, TERM stops gracefully, INT and
// QUIT at once.
func (g *Gunicorn) Signal(ctx context.Context, sig prefork.Signal) error {
	switch sig {
	case prefork.TERM:
		return g.Shutdown(ctx)
	case prefork.INT, prefork.QUIT:
		return g.stop(ctx, string(sig))
	}
	g.mu.Lock()
	switch sig {
	case prefork.TTIN:
		g.target++
	case prefork.TTOU:
		if g.target > 1 {
			g.target--
		}
	case prefork.HUP:
		for _, w := range g.workers {
			g.dying[w] = true
		}
	}
	g.mu.Unlock()
	return g.proc.Signal(string(sig))
}

// KillWorker kills the oldest worker with SIGKILL and returns its PID.
// The master replaces it; FlushTrace waits for that.
func (g *Gunicorn) KillWorker(ctx context.Context) (int, error) {
	pid, err := g.oldestWorker()
	if err != nil {
		return 0, err
	}
	return pid, g.KillWorkerPID(ctx, pid)
}

// KillWorkerPID kills the worker pid with SIGKILL, while it is one of
// gunicorn's workers.
func (g *Gunicorn) KillWorkerPID(ctx context.Context, pid int) error {
	if err := g.claimWorker(pid, g.dying); err != nil {
		return err
	}
	return g.proc.SignalPID(pid, "KILL")
}
