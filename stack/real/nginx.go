package real

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/lazy"
	"github.com/ngw2f/ngw2f-lab/stack/proxy"
	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
)

// Nginx is the real nginx with one of the talk's configurations (or one
// of one's own), run in the foreground in a private directory, behind the
// lab's relays: one in front, where clients connect, and one between
// nginx and each upstream address of its configuration, which taps the
// connections nginx makes and links each one to the request it carries,
// as the lab's own proxy does.
type Nginx struct {
	base
	config string // an embedded configuration's name, or a file
	want   int    // how many workers the configuration asks for

	// pending holds the error log lines of a connection (by nginx's
	// number for it), until its access log line says which one it is.
	pending map[string][]pendingLine
}

// NewNginx returns nginx with the configuration the lab's proxy would
// start with: "config=NAME" (part-1 when none) or "config=FILE".
func NewNginx(cfg stack.Config, progs *Programs, args map[string]string) (*Nginx, error) {
	config := "part-1"
	for k, v := range args {
		if k != "config" {
			return nil, fmt.Errorf("proxy takes config=NAME or config=FILE, not %q", k)
		}
		config = v
	}
	found, err := progs.Find(ProgramNginx)
	if err != nil {
		return nil, err
	}
	return &Nginx{base: newBase(cfg, proxy.Kind, found, "QUIT", "TERM"), config: config, pending: map[string][]pendingLine{}}, nil
}

// Start writes nginx's files, starts the upstream relays and nginx, and
// returns once nginx and its workers run.
func (n *Nginx) Start(ctx context.Context) error {
	if err := n.prepare(false, n.line, nil); err != nil {
		return err
	}
	confPath, prefix, err := n.writeFiles()
	if err != nil {
		n.cleanup()
		return fmt.Errorf("%s: %w", n.name, err)
	}
	dirs, err := conf.ParseFile(conf.Files{}, confPath)
	if err != nil {
		n.cleanup()
		return fmt.Errorf("%s: %w", n.name, err)
	}
	run := nginxRun{Dir: n.dir, Relays: map[string]string{}, Root: os.Geteuid() == 0}
	for _, addr := range upstreamAddrs(dirs) {
		r := NewRelay(RelayConfig{Name: n.name, Target: n.cfg.Peer(addr), Tap: n.tap, TapDialed: true, Link: n.link})
		if err := r.Start(ctx); err != nil {
			n.stop(ctx, "TERM")
			return err
		}
		n.upstreams = append(n.upstreams, r)
		run.Relays[addr] = r.Addr().String()
	}
	n.serverDone = n.drain
	err = n.launch(ctx, func(private string) (command, error) { return n.command(run, dirs, prefix, private) }, n.waitWorkers)
	if err != nil {
		for _, r := range n.upstreams {
			r.Close()
		}
		return err
	}
	return nil
}

// command writes nginx's configuration, dirs rewritten by run to listen
// on private, and returns nginx's command, its prefix directory prefix.
func (n *Nginx) command(run nginxRun, dirs []*conf.Directive, prefix, private string) (command, error) {
	run.Listen = private
	dirs, err := run.rewrite(dirs)
	if err == nil {
		err = os.WriteFile(filepath.Join(n.dir, "ngw2f-lab.conf"), []byte(format(dirs)), 0o644)
	}
	if err == nil {
		err = os.MkdirAll(filepath.Join(n.dir, "tmp"), 0o755)
	}
	if err != nil {
		return command{}, fmt.Errorf("%s: %w", n.name, err)
	}
	n.want = workerProcesses(dirs)
	return command{Path: n.found.Path, Args: []string{"-p", prefix + string(filepath.Separator),
		"-c", filepath.Join(n.dir, "ngw2f-lab.conf"), "-e", "stderr"}}, nil
}

// writeFiles writes an embedded configuration's files (the talk's
// nginx.conf, mime.types, the html root) into the private directory, and
// returns the configuration's path and nginx's prefix: the private
// directory, or for a file of one's own, its directory.
func (n *Nginx) writeFiles() (confPath, prefix string, err error) {
	if strings.ContainsAny(n.config, "/.") {
		abs, err := filepath.Abs(n.config)
		if err != nil {
			return "", "", err
		}
		return abs, filepath.Dir(abs), os.MkdirAll(filepath.Join(n.dir, "logs"), 0o755)
	}
	if err := proxy.WriteEmbedded(n.config, n.dir); err != nil {
		return "", "", err
	}
	return filepath.Join(n.dir, "conf", "nginx.conf"), n.dir, nil
}

// workerProcesses returns how many workers the configuration asks for;
// 1 for auto, which means one per core, as the lab cannot count them as
// nginx does.
func workerProcesses(dirs []*conf.Directive) int {
	for _, d := range dirs {
		if d.Name == "worker_processes" && len(d.Args) == 1 {
			if n, err := strconv.Atoi(d.Args[0]); err == nil && n > 0 {
				return n
			}
		}
	}
	return 1
}

// waitWorkers waits until nginx runs the workers its configuration asks
// for, by what it says.
func (n *Nginx) waitWorkers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		if err := n.out.Mark(ctx); err != nil {
			return fmt.Errorf("waiting for nginx's workers: %w", err)
		}
		n.mu.Lock()
		got := len(n.workers)
		n.mu.Unlock()
		if got == n.want {
			return nil
		}
		if ended, how := n.proc.Exited(); ended {
			return fmt.Errorf("nginx stopped (%s)", how)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// FlushTrace returns once every log line nginx wrote so far is recorded
// and it runs its workers (one killed is replaced).
func (n *Nginx) FlushTrace(ctx context.Context) error {
	if ended, _ := n.proc.Exited(); ended {
		return nil
	}
	return n.waitWorkers(ctx)
}

// KillWorker kills nginx's oldest worker with SIGKILL and returns its
// PID; nginx's master starts another.
func (n *Nginx) KillWorker(ctx context.Context) (int, error) {
	pid, err := n.oldestWorker()
	if err != nil {
		return 0, err
	}
	return pid, n.KillWorkerPID(ctx, pid)
}

// KillWorkerPID kills nginx's worker pid with SIGKILL, while it is one.
func (n *Nginx) KillWorkerPID(ctx context.Context, pid int) error {
	if err := n.claimWorker(pid, nil); err != nil {
		return err
	}
	if err := n.proc.SignalPID(pid, "KILL"); err != nil {
		return err
	}
	// Until nginx says it exited, it still counts: wait for that first.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for {
		n.out.Mark(ctx)
		n.mu.Lock()
		gone := !slices.Contains(n.workers, pid)
		n.mu.Unlock()
		if gone || ctx.Err() != nil {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// drain waits, before the front relay ends a connection nginx closed,
// for the lines nginx logged before it closed it.
func (n *Nginx) drain(net.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), timeoutDrain)
	defer cancel()
	n.out.Mark(ctx)
}

// errorLine is a line of nginx's error log: its date, level, process and
// connection number, and message.
var errorLine = lazy.Regexp(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(\w+)\] (\d+)#\d+: (?:\*(\d+) )?(.*)$`)

var (
	workerStarted = lazy.Regexp(`^start worker process (\d+)`)
	workerExited  = lazy.Regexp(`^worker process (\d+) exited`)
)

// line handles a line nginx wrote on its standard error: an access log
// line, an error log line, or a note of the master's.
func (n *Nginx) line(l string) {
	if rest, ok := strings.CutPrefix(l, accessMark+" "); ok {
		n.access(rest)
		return
	}
	m := errorLine().FindStringSubmatch(l)
	if m == nil {
		return
	}
	level, pid, connNum, msg := m[1], m[2], m[3], m[4]
	p, _ := strconv.Atoi(pid)
	switch {
	case workerStarted().MatchString(msg):
		w, _ := strconv.Atoi(workerStarted().FindStringSubmatch(msg)[1])
		n.addWorker(w)
		n.tapAs(p).Log(nil, "error_log", l)
	case workerExited().MatchString(msg):
		w, _ := strconv.Atoi(workerExited().FindStringSubmatch(msg)[1])
		n.dropWorker(w)
		n.tapAs(p).Log(nil, "error_log", l)
	case connNum != "":
		n.mu.Lock()
		n.pending[connNum] = append(n.pending[connNum], pendingLine{pid: p, text: l})
		n.mu.Unlock()
	case level != "notice" && level != "info" && level != "debug":
		n.tapAs(p).Log(nil, "error_log", l)
	}
}

// pendingLine is an error log line waiting for its connection.
type pendingLine struct {
	pid  int
	text string
}

// access records an access log line ("CONN PID CLIENT LINE") under the
// connection it is about, after the error log lines nginx wrote about
// that connection.
func (n *Nginx) access(rest string) {
	f := strings.SplitN(rest, " ", 4)
	if len(f) < 4 {
		return
	}
	connNum, client, line := f[0], f[2], f[3]
	pid, _ := strconv.Atoi(f[1])
	c := n.conn(client)
	n.mu.Lock()
	errs := n.pending[connNum]
	delete(n.pending, connNum)
	n.mu.Unlock()
	for _, e := range errs {
		n.tapAs(e.pid).Log(c, "error_log", e.text)
	}
	n.tapAs(pid).Log(c, "access_log", line)
}

// link returns the connection whose request an upstream connection
// carries on: of the requests that await their answer, the oldest with
// the same method and target, or failing that the oldest not linked yet,
// or the oldest.
func (n *Nginx) link(first []byte) net.Conn {
	front := n.frontRelay()
	if front == nil {
		return nil
	}
	waiting := front.Waiting()
	if len(waiting) == 0 {
		return nil
	}
	want := requestOf(first)
	pick := -1
	for i, w := range waiting {
		if want != "" && requestOf(w.Head) == want && w.Links == 0 {
			pick = i
			break
		}
	}
	for i, w := range waiting {
		if pick < 0 && w.Links == 0 {
			pick = i
		}
	}
	if pick < 0 {
		pick = 0
	}
	waiting[pick].Linked()
	return waiting[pick].Conn
}

// requestOf returns the method and target of the request that begins
// with b, HTTP or a uwsgi packet, or "".
func requestOf(b []byte) string {
	if len(b) >= uwsgi.HeaderSize && b[0] == 0 {
		p, err := uwsgi.Read(bytes.NewReader(b))
		if err != nil {
			return ""
		}
		m, _ := p.Get("REQUEST_METHOD")
		u, _ := p.Get("REQUEST_URI")
		return m + " " + u
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 2 {
		return ""
	}
	return f[0] + " " + f[1]
}
