package prefork

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Kind is the layer's name when its Config gives none.
const Kind = "prefork"

// Options are the pre-fork server's settings, named after gunicorn's.
type Options struct {
	// App names the app the workers serve, as module:callable; empty means
	// "hello:application", the talk's app.
	App string
	// Workers is how many worker processes to run (--workers); zero means
	// 2, as in the talk.
	Workers int
	// Timeout is how long a worker may go silent, busy with one request,
	// before the master kills and replaces it (--timeout); zero means 30
	// seconds, and a negative value turns the check off.
	Timeout time.Duration
	// GracefulTimeout bounds how long a graceful stop waits for requests
	// in flight (--graceful-timeout); zero means 30 seconds.
	GracefulTimeout time.Duration
	// MaxRequests makes a worker exit, to be replaced, after serving that
	// many requests (--max-requests); zero means never.
	MaxRequests int
	// Hooks are the server hooks the configuration defines; each prints
	// its name, process and PID when it fires. nil means TalkHooks, the
	// talk's config.py; a name that is no gunicorn hook is reported at
	// start.
	Hooks []string
	// WorkerClass is the kind of worker (--worker-class): "sync", one
	// request at a time, or "thread", a process serving up to Threads
	// requests at once, each in a thread of its own (gunicorn's gthread).
	// Empty means sync.
	WorkerClass string
	// Threads is how many requests a thread worker serves at once
	// (--threads); zero means 4 for a thread worker. It is 1 for a sync
	// worker.
	Threads int
	// Protocol is what the workers read from a connection: "http", or
	// "uwsgi", the binary packets nginx's uwsgi_pass sends, as uWSGI's
	// --protocol uwsgi. Empty means http.
	Protocol string
	// ForwardedAllowIPs are the client addresses whose scheme headers
	// (X-Forwarded-Proto: https and the like) the workers trust to set
	// wsgi.url_scheme (--forwarded-allow-ips); "*" trusts every address.
	// nil means DefaultForwardedAllowIPs, gunicorn's 127.0.0.1.
	ForwardedAllowIPs []string
	// Procs makes and signals the worker processes; the zero value is the
	// real thing.
	Procs Procs
}

// The worker classes and protocols the server has.
const (
	ClassSync     = "sync"
	ClassThread   = "thread"
	ProtocolHTTP  = "http"
	ProtocolUwsgi = "uwsgi"
)

func (o Options) withDefaults() Options {
	if o.App == "" {
		o.App = "hello:application"
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.ForwardedAllowIPs == nil {
		o.ForwardedAllowIPs = DefaultForwardedAllowIPs
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	if o.GracefulTimeout <= 0 {
		o.GracefulTimeout = 30 * time.Second
	}
	if o.Hooks == nil {
		o.Hooks = TalkHooks
	}
	if o.WorkerClass == "" {
		o.WorkerClass = ClassSync
	}
	switch {
	case o.WorkerClass == ClassSync:
		o.Threads = 1
	case o.Threads <= 0:
		o.Threads = 4
	}
	if o.Protocol == "" {
		o.Protocol = ProtocolHTTP
	}
	o.Procs = o.Procs.withDefaults()
	return o
}

// Server is the pre-fork server's master. It lives in the lab's own
// process: it binds the socket and never accepts on it, starts the worker
// processes, replaces those that die, and forwards their events.
type Server struct {
	cfg   stack.Config
	opts  Options
	name  string
	tap   *trace.Tap
	procs Procs
	hooks hookPrinter

	mu        sync.Mutex
	addr      net.Addr // where the socket listens, once started
	lnFile    *os.File // the listening socket, which the workers inherit (handOff)
	uncover   func()   // ends the tap's cover of the socket's address (trace.Tap.Cover)
	exe       string
	workers   []*workerProc // alive, oldest first; written by the arbiter
	spare     *workerProc   // started ahead, waiting to be a worker; the arbiter's
	closed    bool
	haltErr   error  // why the master stopped by itself, if it did
	lastCrash string // how the last worker that ended on its own ended

	reqs     chan func()
	exits    chan *workerProc
	stopping chan struct{} // closed when a stop begins: a worker booting gives up
	done     chan struct{} // closed when the arbiter returns
	watchers sync.WaitGroup
	arbiter  *arbiter // the master's loop; touch only from inside it, through call
	flushID  uint64
}

// New returns a Server that will listen on cfg.Addr once started.
func New(cfg stack.Config, opts Options) *Server {
	opts = opts.withDefaults()
	name := cfg.NameOr(Kind)
	tap := trace.NewTap(cfg.Trace, name)
	known, _ := splitHooks(opts.Hooks)
	return &Server{cfg: cfg, opts: opts, name: name, tap: tap, procs: opts.Procs,
		hooks: newHookPrinter(tap, known, "master")}
}

// Name returns the layer's name.
func (s *Server) Name() string { return s.name }

// Addr returns the address the server listens on, or nil before Start.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// PIDs returns the master's PID (the lab's own) and then the workers',
// oldest first.
func (s *Server) PIDs() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	pids := []int{os.Getpid()}
	for _, w := range s.workers {
		pids = append(pids, w.pid)
	}
	return pids
}

// Halted returns why the master stopped by itself, as gunicorn's stops
// when it cannot start a worker, or nil. A halted server holds no socket
// and no worker: clients are refused at once.
func (s *Server) Halted() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.haltErr
}

// LastCrash says how the last worker that ended on its own ended (a
// signal from outside, a panic), or "" when none did: the master replaced
// it, and its standard error is in the master's log.
func (s *Server) LastCrash() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastCrash
}

// log records a line of the master's log.
func (s *Server) log(name, text string) { s.tap.Log(nil, name, text) }

func (s *Server) workerConfig() workerConfig {
	known, _ := splitHooks(s.opts.Hooks)
	return workerConfig{
		Layer: s.name, App: s.opts.App, Workers: s.opts.Workers,
		MaxRequests: s.opts.MaxRequests, Hooks: known, Trace: s.cfg.Trace != nil,
		Threads: s.opts.Threads, Protocol: s.opts.Protocol,
		ForwardedAllowIPs: s.opts.ForwardedAllowIPs,
	}
}

// Start binds the socket, fires the master's start-up hooks, and starts
// the workers one after another. It returns once every worker accepts, or
// with the reason one could not boot (and nothing left running).
func (s *Server) Start(ctx context.Context) error {
	if err := Supported(); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	if _, err := gateway.Lookup(s.opts.App); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	if err := s.opts.check(); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	exe, err := s.procs.Executable()
	if err != nil {
		return fmt.Errorf("%s: finding the lab's own binary to start workers with: %w", s.name, err)
	}
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return stack.ErrServerClosed
	case s.addr != nil:
		s.mu.Unlock()
		return fmt.Errorf("%s: already started", s.name)
	}
	ln, err := stack.Listen(ctx, s.name, s.cfg.Addr)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	f, err := handOff(ln)
	if err != nil {
		ln.Close()
		s.mu.Unlock()
		return fmt.Errorf("%s: %w", s.name, err)
	}
	s.addr, s.lnFile, s.exe = ln.Addr(), f, exe
	// The workers tap every connection they accept on the socket and send
	// the events here: a layer of the lab that dials it need not tap its
	// own end too.
	s.uncover = s.tap.Cover(s.addr)
	s.reqs, s.exits, s.done = make(chan func()), make(chan *workerProc), make(chan struct{})
	s.stopping = make(chan struct{})
	s.mu.Unlock()

	_, unknown := splitHooks(s.opts.Hooks)
	for _, h := range unknown {
		s.log("config", fmt.Sprintf("%s is not a server hook: gunicorn never calls it, so it never fires", h))
	}
	s.hooks.fire(nil, "nworkers_changed", fmt.Sprintf("None -> %d", s.opts.Workers))
	s.log("log", "Starting gunicorn 20.1.0")
	s.hooks.fire(nil, "on_starting", "")
	s.log("log", fmt.Sprintf("Listening at: http://%s (%d)", s.addr, os.Getpid()))
	s.log("log", "Using worker: "+s.workerClassName())
	s.hooks.fire(nil, "when_ready", "")
	a := newArbiter(s)
	go a.run()
	if err := s.call(ctx, a.manage); err != nil {
		s.Close()
		return err
	}
	return nil
}

// workerClassName is the worker class as gunicorn's log names it: sync,
// or gthread.
func (s *Server) workerClassName() string {
	if s.opts.WorkerClass == ClassThread {
		return "gthread"
	}
	return "sync"
}

// call runs f in the arbiter and returns its error.
func (s *Server) call(ctx context.Context, f func() error) error {
	errc := make(chan error, 1)
	select {
	case s.reqs <- func() { errc <- f() }:
	case <-s.done:
		return stack.ErrServerClosed
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", s.name, ctx.Err())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", s.name, ctx.Err())
	}
}

// Signal does what gunicorn's master does on sig: TTIN adds a worker,
// TTOU removes one, HUP replaces them all, TERM stops gracefully, and INT
// or QUIT stop at once. The master is the lab's own process, so signals
// come here as calls rather than from kill.
func (s *Server) Signal(ctx context.Context, sig Signal) error {
	if s.Addr() == nil {
		return fmt.Errorf("%s: not started", s.name)
	}
	switch sig {
	case TERM, INT, QUIT, TTIN, TTOU, HUP:
		s.log("log", "Handling signal: "+strings.ToLower(string(sig)))
	}
	switch sig {
	case TERM:
		return s.Shutdown(ctx)
	case INT, QUIT:
		return s.Close()
	case TTIN, TTOU, HUP:
		return s.call(ctx, func() error { return s.arbiter.handle(sig) })
	}
	return fmt.Errorf("%s: the master does not handle SIG%s", s.name, sig)
}

// KillWorker kills the oldest worker, as kill -9 would, and returns its
// PID. The master replaces it; FlushTrace waits for that.
func (s *Server) KillWorker(ctx context.Context) (int, error) {
	pid := 0
	err := s.call(ctx, func() error {
		w := s.arbiter.oldest()
		if w == nil {
			return fmt.Errorf("%s: no worker to kill", s.name)
		}
		pid = w.pid
		return s.arbiter.kill(w)
	})
	return pid, err
}

// KillWorkerPID kills the worker whose PID is pid, as kill -9 would. It
// kills through the process the master started and still holds, and only
// while it is one of the server's workers: a PID seen a moment ago may
// have exited, and been given to an unrelated process since.
func (s *Server) KillWorkerPID(ctx context.Context, pid int) error {
	return s.call(ctx, func() error {
		for _, w := range s.workers {
			if w.pid == pid && !w.retiring && !w.gone.Load() {
				return s.arbiter.kill(w)
			}
		}
		return fmt.Errorf("%s: pid %d is not one of its workers now", s.name, pid)
	})
}

// FlushTrace returns once the server is settled (every worker it wants is
// running and ready, and every worker it lost has been replaced) and every
// event its workers recorded so far is in the recorder. The lab calls it
// before it shows what a request did, so that what it shows is complete.
//
// Each round asks every worker for a flush mark first: once a worker's
// mark is back, every frame it sent before is handled, including the one
// that says it is about to exit. Only then is the worker set judged.
func (s *Server) FlushTrace(ctx context.Context) error {
	for {
		marked, err := s.mark(ctx)
		if err != nil {
			return err
		}
		settled, state := false, ""
		if err := s.call(ctx, func() error { settled, state = s.arbiter.settled(), s.arbiter.describe(); return nil }); err != nil {
			if errors.Is(err, stack.ErrServerClosed) {
				return nil
			}
			return err
		}
		if marked && settled {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: waiting for the workers to settle (%s): %w", s.name, state, ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// mark sends a flush command to every worker and waits for the answers.
// It reports false when a worker could not take the command: it is dying.
func (s *Server) mark(ctx context.Context) (bool, error) {
	s.mu.Lock()
	ws := append([]*workerProc(nil), s.workers...)
	s.flushID++
	id := s.flushID
	s.mu.Unlock()
	all := true
	for _, w := range ws {
		if _, err := w.ctl.Write(command(cmdFlush, id)); err != nil {
			all = false
			continue
		}
		if err := waitAck(ctx, w, id); err != nil {
			return false, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return all, nil
}

// waitAck waits for w to answer flush id, or to exit.
func waitAck(ctx context.Context, w *workerProc, id uint64) error {
	for {
		select {
		case got := <-w.acks:
			if got == id {
				return nil
			}
		case <-w.exited:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Shutdown stops gracefully, as gunicorn on TERM: the socket closes,
// every worker is told to stop (TERM) and finishes the request it is
// serving; when ctx ends (or the graceful timeout passes) first, the rest
// are killed.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.stop(ctx, cmdStop)
}

// Close stops at once, as gunicorn on INT or QUIT: every worker is told
// to quit (QUIT) and exits without finishing its request; one still
// running a second later is killed.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.stop(ctx, cmdQuit)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil // the stragglers were killed
	}
	return err
}

// stop stops the arbiter, telling the workers cmd, once.
func (s *Server) stop(ctx context.Context, cmd byte) error {
	s.mu.Lock()
	first := !s.closed
	s.closed = true
	started := s.done != nil
	if started && first {
		close(s.stopping) // a worker booting now would keep the arbiter from the stop
	}
	s.mu.Unlock()
	if !started {
		return nil
	}
	if !first {
		<-s.done
		return nil
	}
	var err error
	select {
	case s.reqs <- func() { err = s.arbiter.stop(ctx, cmd) }:
	case <-s.done:
	}
	<-s.done
	s.watchers.Wait()
	return err
}
