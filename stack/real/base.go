package real

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/real/watch"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// pythonFiles are the talk's Python files and the lab's reporter, which
// a Python server's directory gets.
//
//go:embed python/*.py
var pythonFiles embed.FS

// base is what the layers of every real program share: the program's
// private directory, the relay in front of it (where clients connect,
// and where the tap sees its traffic), the program itself, its output,
// and the PIDs of its processes.
type base struct {
	cfg   stack.Config
	name  string
	found *Found
	tap   *trace.Tap
	// graceful and fast name the signals that stop the program after the
	// requests it serves, and at once.
	graceful, fast string

	dir     string
	private string // where the program itself listens, behind the relay
	// ports finds a private address for the program; nil is freeaddr.Loopback.
	// Tests give addresses another holds.
	ports func() (string, error)
	front *Relay
	// upstreams are the relays between the program and the servers it
	// passes requests to (nginx's).
	upstreams []*Relay
	// serverDone, when set, is the front relay's ServerDone.
	serverDone func(net.Conn)
	proc       *process
	out        *outputPipe
	reports    *reportServer // for a Python server

	mu      sync.Mutex
	peers   map[string]net.Conn // a relayed connection by the address the program sees it from
	workers []int               // the program's worker processes, oldest first
	last    []string            // the program's last lines of output, for errors
	taps    map[int]*trace.Tap  // taps recording as the program's processes
	started bool
	closed  bool
}

func newBase(cfg stack.Config, kind string, found *Found, graceful, fast string) base {
	name := cfg.NameOr(kind)
	return base{cfg: cfg, name: name, found: found, tap: trace.NewTap(cfg.Trace, name),
		graceful: graceful, fast: fast, peers: map[string]net.Conn{}, taps: map[int]*trace.Tap{}}
}

// Name returns the layer's name.
func (b *base) Name() string { return b.name }

// Program says which real program the layer runs: "the real
// nginx/1.22.1".
func (b *base) Program() string {
	s := "the real " + b.found.Version
	if b.found.Talk != "" {
		s += " (the talk ran " + b.found.Talk + ")"
	}
	return s
}

// Executable returns the real program's file: "/usr/sbin/nginx".
func (b *base) Executable() string { return b.found.Path }

// Addr returns where clients connect: the relay in front of the program.
func (b *base) Addr() net.Addr {
	if f := b.frontRelay(); f != nil {
		return f.Addr()
	}
	return nil
}

// frontRelay returns the relay in front of the program, once there is
// one.
func (b *base) frontRelay() *Relay {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.front
}

// privatePrefix starts the name of every private directory of a real
// program, as the watcher knows it.
const privatePrefix = watch.PrivatePrefix

// timeoutDrain bounds the wait for a program's output to be read.
const timeoutDrain = time.Second

// masterPID returns the program's own PID, or 0 before it runs.
func (b *base) masterPID() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.proc == nil {
		return 0
	}
	return b.proc.PID()
}

// PIDs returns the program's processes: its master, then its workers.
func (b *base) PIDs() []int {
	if b.proc == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]int{b.proc.PID()}, b.workers...)
}

// Halted says why the program stopped by itself, or nil while it runs.
func (b *base) Halted() error {
	if b.proc == nil {
		return nil
	}
	if ended, how := b.proc.Exited(); ended {
		b.mu.Lock()
		defer b.mu.Unlock()
		if !b.closed {
			return fmt.Errorf("%s stopped by itself (%s)%s", b.found.Version, how, b.lastWords())
		}
	}
	return nil
}

// lastWords is the program's last lines of output, for an error; b.mu
// is held.
func (b *base) lastWords() string {
	if len(b.last) == 0 {
		return ""
	}
	return ": " + strings.Join(b.last, " | ")
}

// keep remembers line among the program's last lines of output.
func (b *base) keep(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last = append(b.last, strings.TrimSpace(line))
	if len(b.last) > 8 {
		b.last = b.last[len(b.last)-8:]
	}
}

// prepare makes the private directory, writes the Python files into it
// when python is set, and opens the program's output pipe (each line to
// line) and, for a Python server, the socket it reports to. On an error,
// what it made is gone.
func (b *base) prepare(python bool, line func(string), report func(*report)) (err error) {
	if err := Supported(); err != nil {
		return err
	}
	b.mu.Lock()
	if b.started || b.closed {
		b.mu.Unlock()
		return fmt.Errorf("%s: already started", b.name)
	}
	b.started = true
	b.mu.Unlock()
	defer func() {
		if err != nil {
			b.cleanup()
		}
	}()
	dir, err := os.MkdirTemp("", privatePrefix+"*")
	if err != nil {
		return fmt.Errorf("%s: %w", b.name, err)
	}
	b.dir = dir
	if python {
		if err := writePython(dir); err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
		if b.reports, err = listenReports(dir, report); err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
	}
	b.out, err = newOutputPipe(func(l string) { b.keep(l); line(l) })
	if err != nil {
		return fmt.Errorf("%s: %w", b.name, err)
	}
	return nil
}

// writePython writes the embedded Python files into dir.
func writePython(dir string) error {
	return fs.WalkDir(pythonFiles, "python", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := pythonFiles.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, d.Name()), data, 0o644)
	})
}

// env is the environment every Python server gets: where to report, no
// bytecode files in the directory, output as it is written, and string
// hashes seeded as when the lab's captures were made (PYTHONHASHSEED=0),
// so that what Werkzeug takes from a set, such as an Allow header, comes
// in the same order on every run.
func (b *base) env() []string {
	env := []string{"PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "PYTHONHASHSEED=0"}
	if b.reports != nil {
		env = append(env, ReportEnv+"="+b.reports.Path())
	}
	return env
}

// launch starts the program and the relay in front of it, and returns
// once the program listens and ready (when set) says it is ready, or
// with why not, everything stopped. build makes the program's command
// for the private address it is to listen on.
//
// The program binds its private port itself, found free a moment
// before: another program may take the port in between. One that exits
// saying its address is in use is started again on another port
// (privateTries starts at most); nothing else is tried again.
func (b *base) launch(ctx context.Context, build func(private string) (command, error), ready func(context.Context) error) error {
	// The relay listens first: a port another program holds is an error
	// at once, before the program starts.
	front := NewRelay(RelayConfig{Name: b.name, Addr: b.cfg.Addr, Tap: b.tap,
		Dialed: b.dialed, Ended: b.ended, ServerDone: b.serverDone})
	if err := front.Start(ctx); err != nil {
		b.cleanup()
		return err
	}
	b.mu.Lock()
	b.front = front
	b.mu.Unlock()
	for try := 1; ; try++ {
		if err := b.start(front, build); err != nil {
			front.Close()
			b.cleanup()
			return err
		}
		err := b.waitListening(ctx)
		var notReady error
		if err == nil && ready != nil {
			notReady = ready(ctx)
		}
		if err == nil && notReady == nil {
			return nil
		}
		taken := b.portTaken(ctx)
		if taken && try < privateTries {
			b.forget()
			continue
		}
		b.Close()
		if notReady != nil {
			err = fmt.Errorf("%s: %w%s", b.name, notReady, b.words())
		}
		if taken {
			err = fmt.Errorf("%w (its private port was taken before it could bind it, %d times in a row)", err, privateTries)
		}
		return err
	}
}

// start starts the program on a private address of its own, which front
// then relays to.
func (b *base) start(front *Relay, build func(private string) (command, error)) error {
	c, err := b.privateCommand(build)
	if err != nil {
		return err
	}
	front.retarget(b.private)
	c.Dir, c.Output = b.dir, b.out.File()
	c.Env = append(c.Env, b.env()...)
	proc, err := startProcess(b.name, c)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.proc = proc
	b.mu.Unlock()
	return nil
}

// words returns the program's last lines of output, for an error.
func (b *base) words() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastWords()
}

// waitListening waits until the program accepts connections, or exits.
func (b *base) waitListening(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		if ended, how := b.proc.Exited(); ended {
			b.out.Mark(ctx)
			return fmt.Errorf("%s: %s did not start (%s)%s", b.name, b.found.Version, how, b.words())
		}
		if c, err := net.DialTimeout("tcp", b.private, time.Second); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %s never listened on %s%s", b.name, b.found.Version, b.private, b.words())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// dialed and ended follow the front relay's connections, by the address
// the program sees each one from.
func (b *base) dialed(in, out net.Conn) {
	b.mu.Lock()
	b.peers[out.LocalAddr().String()] = in
	b.mu.Unlock()
}

func (b *base) ended(in, out net.Conn) {
	b.mu.Lock()
	delete(b.peers, out.LocalAddr().String())
	b.mu.Unlock()
}

// conn returns the tapped connection the program sees as coming from
// peer, or nil.
func (b *base) conn(peer string) net.Conn {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.peers[peer]
}

// only returns the one relayed connection open now, or nil when there is
// none or more than one: a server that does not say which connection a
// report is about (wsgiref) serves one at a time.
func (b *base) only() net.Conn {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.peers) != 1 {
		return nil
	}
	for _, c := range b.peers {
		return c
	}
	return nil
}

// tapAs returns a tap that records as the program's process pid.
func (b *base) tapAs(pid int) *trace.Tap {
	if b.cfg.Trace == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.taps[pid]
	if t == nil {
		t = trace.NewTap(pidSink{b.cfg.Trace, pid}, b.name)
		b.taps[pid] = t
	}
	return t
}

// pidSink records events as made by another process: a real program's.
type pidSink struct {
	sink trace.Sink
	pid  int
}

func (s pidSink) Record(e trace.Event) {
	e.PID = s.pid
	s.sink.Record(e)
}

// addWorker and dropWorker keep the list of worker processes.
func (b *base) addWorker(pid int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !slices.Contains(b.workers, pid) {
		b.workers = append(b.workers, pid)
	}
}

// oldestWorker returns the PID of the program's oldest worker.
func (b *base) oldestWorker() (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.workers) == 0 {
		return 0, fmt.Errorf("%s: no worker to kill", b.name)
	}
	return b.workers[0], nil
}

// claimWorker checks that pid is one of the program's workers now and,
// with dying not nil, counts it among those going, under b.mu.
func (b *base) claimWorker(pid int, dying map[int]bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !slices.Contains(b.workers, pid) {
		return fmt.Errorf("%s: pid %d is not one of its workers now", b.name, pid)
	}
	if dying != nil {
		dying[pid] = true
	}
	return nil
}

func (b *base) dropWorker(pid int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.workers = slices.DeleteFunc(b.workers, func(p int) bool { return p == pid })
}

// Shutdown stops the program gracefully (gunicorn's TERM, nginx's QUIT):
// it finishes what it serves, or is killed when ctx ends first.
func (b *base) Shutdown(ctx context.Context) error { return b.stop(ctx, b.graceful) }

// stop stops the program with the signal named sig, waiting for ctx at
// most, then the relays and the rest.
func (b *base) stop(ctx context.Context, sig string) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	front := b.front
	b.mu.Unlock()
	var errs []error
	if front != nil {
		front.stopAccepting()
	}
	if b.proc != nil {
		errs = append(errs, b.proc.Stop(ctx, sig))
	}
	for _, r := range append(b.upstreams, front) {
		if r != nil {
			r.Close()
		}
	}
	b.cleanup()
	return errors.Join(errs...)
}

// cleanup closes the output pipe and the report socket and removes the
// private directory, once the program is gone.
func (b *base) cleanup() {
	if b.out != nil {
		b.out.Close()
	}
	if b.reports != nil {
		b.reports.Close()
	}
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
}

// Close stops the program at once (gunicorn's INT, nginx's TERM; every
// process left a second later is killed) and every connection with it.
func (b *base) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := b.stop(ctx, b.fast)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil // the stragglers were killed
	}
	return err
}
