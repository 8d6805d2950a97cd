package prefork

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/child"
	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/addrtext"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// orphanDeadline is how long a worker whose master is gone may take to
// finish the request it is serving before it exits anyway.
const orphanDeadline = 500 * time.Millisecond

// IsWorker reports whether this process is one the lab started from its
// own binary: a worker of a pre-fork master, or another layer's child (a
// CGI script), all marked alike (package child). The lab's main, and the
// TestMain of every test that starts a pre-fork server, check it before
// anything else:
//
//	if prefork.IsWorker() {
//		os.Exit(prefork.RunWorker())
//	}
func IsWorker() bool { return child.Is() }

// RunWorker runs this process as the child it was started as and returns
// its exit code; a pre-fork worker runs until it is told to stop, its
// master goes away, or it served its --max-requests.
func RunWorker() int { return child.Run() }

func init() { child.Register(childRole, runWorker) }

// runWorker is a worker process's life. It never returns when the master
// stops it at once.
func runWorker() int {
	ctl := os.NewFile(fdControl, "control")
	cfg, err := readConfig(ctl) // a spare waits here until it is needed
	if err == io.EOF {
		return exitOrphan // a spare the master no longer needs
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "prefork worker: bad configuration: %v\n", err)
		return exitBootError
	}
	w := newWorker(cfg, openFramePipe(fdEvents))
	// gunicorn logs this in the new worker, before post_fork.
	w.tap.Log(nil, "log", fmt.Sprintf("Booting worker with pid: %d", os.Getpid()))
	w.hooks.fire(nil, "post_fork", "")
	acc, err := newAcceptor(os.NewFile(fdListener, "listener"), cfg.Threads <= 1)
	if err != nil {
		fmt.Fprintf(os.Stderr, "prefork worker: %v\n", err)
		return exitBootError
	}
	app, err := gateway.Lookup(cfg.App)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitAppError
	}
	w.app = app
	w.acc = acc
	w.hooks.fire(nil, "post_worker_init", "")
	w.honourSignals()
	go w.watchMaster(ctl)
	w.out.ready()
	code := w.serve()
	w.exit(code)
	w.out.Flush()
	return code
}

// worker is a worker process's state: a sync worker serves one request at
// a time, a thread worker up to cfg.Threads at once (threads.go).
type worker struct {
	cfg    workerConfig
	out    *pipeSink
	tap    *trace.Tap
	hooks  hookPrinter
	app    gateway.App
	acc    *acceptor
	scheme schemeRules
	// serving holds a token for each connection being served (room for
	// cfg.Threads), so that a flush can wait for the events of the
	// requests in flight.
	serving chan struct{}

	mu        sync.Mutex
	served    int
	stopping  bool // TERM, or the master is gone: stop accepting
	exited    bool
	inRequest net.Conn // the request a sync worker serves, until post_request
}

func newWorker(cfg workerConfig, events io.Writer) *worker {
	w := &worker{cfg: cfg, out: &pipeSink{w: events}, serving: make(chan struct{}, max(cfg.Threads, 1)),
		scheme: schemeRules{allow: cfg.ForwardedAllowIPs}}
	var sink trace.Sink
	if cfg.Trace {
		sink = w.out
	}
	w.tap = trace.NewTap(sink, cfg.Layer)
	w.hooks = newHookPrinter(w.tap, cfg.Hooks, "worker")
	return w
}

// serve accepts and serves connections one at a time until told to stop.
// Each time accept returns, with a client or after acceptWait without one,
// the worker tells the master it is alive; a request that runs long keeps
// it from doing so, which is how the master sees a stuck worker.
func (w *worker) serve() int {
	if w.cfg.Threads > 1 {
		return w.serveThreads()
	}
	s := w.newSession()
	for !w.isStopping() {
		c, err := w.acc.accept()
		w.out.tick()
		switch {
		case err == errIdle:
			continue
		case err != nil:
			w.tap.Log(nil, "log", err.Error())
			time.Sleep(10 * time.Millisecond)
			continue
		}
		// A client accepted as TERM arrived is still served: it is off the
		// shared queue, so no other worker would take it.
		w.serving <- struct{}{}
		last := w.handle(w.tap.Conn(c, trace.Server), s)
		<-w.serving
		w.out.tick()
		if last {
			break
		}
	}
	w.acc.close()
	return exitOK
}

func (w *worker) isStopping() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stopping
}

// stop makes the worker stop accepting: it closes its listener, which
// wakes an accept in progress; the request being served, if any, goes on.
func (w *worker) stop() {
	w.mu.Lock()
	w.stopping = true
	w.mu.Unlock()
	w.acc.close()
}

// exit logs "Worker exiting" and fires worker_exit, once, as gunicorn's
// worker process does in the finally around its whole life.
func (w *worker) exit(code int) {
	w.mu.Lock()
	done := w.exited
	w.exited = true
	w.mu.Unlock()
	if !done {
		w.tap.Log(nil, "log", fmt.Sprintf("Worker exiting (pid: %d)", os.Getpid()))
		w.hooks.fire(nil, "worker_exit", "")
	}
}

// do carries out one of the master's commands, as gunicorn's worker
// acts on its master's signals: TERM (cmdStop) stops gracefully; INT and
// QUIT (cmdQuit) stop at once (worker_int); ABRT (cmdAbort), the timeout,
// stops at once (worker_abort). gunicorn stops at once by raising
// SystemExit in its main thread: a sync worker busy with a request then
// leaves it through the finally that fires post_request.
func (w *worker) do(cmd byte) {
	switch cmd {
	case cmdStop:
		w.stop()
	case cmdQuit:
		w.hooks.fire(nil, "worker_int", "")
		w.leaveRequest(false)
		w.exitNow(exitOK)
	case cmdAbort:
		w.hooks.fire(nil, "worker_abort", "")
		w.leaveRequest(false)
		w.exitNow(exitAbort)
	}
}

// leaveRequest fires post_request for the request a sync worker is busy
// with, if any, once: when it is done (done), or left by an exit. A
// thread worker's requests run in threads that an exit takes without a
// word. Left by an exit, the hook is recorded with the exit's lines
// rather than in the request's journey, which has ended without it.
func (w *worker) leaveRequest(done bool) {
	w.mu.Lock()
	c := w.inRequest
	w.inRequest = nil
	w.mu.Unlock()
	switch {
	case c != nil && done:
		w.hooks.fire(c, "post_request", "")
	case c != nil:
		w.hooks.fire(nil, "post_request", "")
	}
}

// exitNow fires worker_exit, sends what waits, and ends the process.
func (w *worker) exitNow(code int) {
	w.exit(code)
	w.out.Flush()
	os.Exit(code)
}

// watchMaster reads the master's commands. Its end of the pipe closes when
// the master dies, however it dies: the worker then stops accepting and
// exits within orphanDeadline, whatever it was doing.
func (w *worker) watchMaster(ctl *os.File) {
	cmd := make([]byte, 9)
	for {
		if _, err := io.ReadFull(ctl, cmd); err != nil {
			break
		}
		if cmd[0] == cmdFlush {
			go w.flushed(binary.BigEndian.Uint64(cmd[1:]))
			continue
		}
		w.do(cmd[0])
	}
	w.stop()
	time.Sleep(orphanDeadline)
	os.Exit(exitOrphan)
}

// flushWait bounds how long a flush waits for the request in flight.
const flushWait = time.Second

// flushed answers the master's flush id once the requests in flight, if
// any, are over: a proxy in front may have its whole answer, and its
// client too, before the worker fires post_request and closes. Requests
// that take longer than flushWait are flushed as they stand.
func (w *worker) flushed(id uint64) {
	deadline := time.After(flushWait)
	held := 0
wait:
	for held < cap(w.serving) {
		select {
		case w.serving <- struct{}{}:
			held++
		case <-deadline:
			break wait
		}
	}
	for range held {
		<-w.serving
	}
	w.out.flushed(id)
}

// handle serves one connection: one request, then close, as gunicorn's
// sync worker. s is the calling thread's session. It reports whether this
// was the worker's last request.
func (w *worker) handle(c net.Conn, s *session) (last bool) {
	defer c.Close()
	s.in = clientReader{r: c, out: w.out}
	in := &s.in
	if w.cfg.Protocol == ProtocolUwsgi {
		return w.handleUwsgi(c, in, s)
	}
	if s.rd == nil {
		s.rd = http1.NewReader(in, http1.GunicornLimits())
	} else {
		s.rd.Reset(in)
	}
	req, err := s.rd.ReadRequest()
	refused, isRefused := errors.AsType[*http1.Error](err)
	if err != nil && !isRefused {
		// gunicorn: "Ignored premature client disconnection", or an error
		// page it failed to write.
		return false
	}
	scheme, ok := w.scheme.of(req, c)
	switch {
	case !ok:
		w.refuse(c, badRequest("Contradictory scheme headers"))
		return false
	case isRefused:
		w.refuse(c, refusalOf(refused))
		return false
	}
	last = w.count(c)
	w.serveRequest(c, req, scheme, s)
	return last
}

// count counts a request served and reports whether it is the last one
// before --max-requests makes the worker exit.
func (w *worker) count(c net.Conn) (last bool) {
	w.mu.Lock()
	w.served++
	last = w.cfg.MaxRequests > 0 && w.served == w.cfg.MaxRequests
	w.mu.Unlock()
	if last {
		w.tap.Log(c, "log", "Autorestarting worker after current request.")
		w.out.bye()
	}
	return last
}

func (w *worker) refuse(c net.Conn, r *refusal) {
	w.tap.Log(c, "log", "Invalid request: "+r.mesg)
	c.Write(errorPage(r))
}

// serveRequest builds the environ, calls the app through the gateway and
// writes its answer, between the pre_request and post_request hooks.
func (w *worker) serveRequest(c net.Conn, req *http1.Request, scheme string, s *session) {
	w.hooks.fire(c, "pre_request", "")
	if w.cfg.Threads > 1 {
		defer w.hooks.fire(c, "post_request", "")
	} else {
		w.mu.Lock()
		w.inRequest = c
		w.mu.Unlock()
		defer w.leaveRequest(true)
	}
	for _, h := range req.Headers {
		// gunicorn answers each such header, whatever the version.
		if strings.EqualFold(h.Name, "Expect") && strings.ToLower(h.Value) == "100-continue" {
			c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
		}
	}
	raw := c
	if tc, ok := c.(*trace.Conn); ok {
		raw = tc.Unwrap()
	}
	tracer := gateway.Tracer{Tap: w.tap, Conn: c, Server: w.cfg.Layer}
	s.extra[0] = gateway.Entry{Key: "gunicorn.socket", Value: socketValue{raw}}
	env := gateway.RequestEnviron(req, gateway.Origin{
		Software:     Software,
		Local:        s.local,
		Remote:       raw.RemoteAddr(),
		Scheme:       scheme,
		Multiprocess: w.cfg.Workers > 1,
		Multithread:  w.cfg.Threads > 1,
		Errors:       tracer.Errors(),
		Extra:        s.extra[:],
	})
	w.callAndAnswer(c, raw, s, env, s.response(c, req), tracer, req.Target)
}

// callAndAnswer hands env to the app through the gateway, in session s,
// and writes its answer with resp. When the app fails it answers 500 if
// nothing was sent yet, and else ends the answer early.
func (w *worker) callAndAnswer(c, raw net.Conn, s *session, env *gateway.Environ, resp *response, tracer gateway.Tracer, target string) {
	err := gateway.Serve(s.call, env, resp, tracer)
	if err == nil {
		return
	}
	w.tap.Log(c, "log", fmt.Sprintf("Error handling request %s: %v", target, err))
	if !resp.headSent() {
		c.Write(errorPage(internalError))
		return
	}
	if cw, ok := raw.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite() // the headers went out: all a server can do is end the answer early
	}
}

// socketValue is gunicorn.socket in the environ: the client's connection.
type socketValue struct{ net.Conn }

func (s socketValue) String() string {
	var buf [64]byte
	b := append(buf[:0], "<socket "...)
	return string(append(addrtext.Append(b, s.RemoteAddr()), '>'))
}

// clientReader is what the worker reads a request through: before it
// waits for more from the client, it sends the master the events
// recorded so far, so that a client that types its request line by line
// is seen arriving line by line.
type clientReader struct {
	r     io.Reader
	out   *pipeSink
	reads int
}

func (h *clientReader) Read(p []byte) (int, error) {
	if h.reads > 0 {
		h.out.Flush()
	}
	h.reads++
	return h.r.Read(p)
}
