//go:build unix

package real

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/child"
	"github.com/ngw2f/ngw2f-lab/stack/child/lean"
	"github.com/ngw2f/ngw2f-lab/stack/real/watch"
)

// Supported reports whether the real programs run here: nil on Unix.
func Supported() error { return nil }

// process is a real program the lab started, through a watcher (a child
// of the lab, package watch) that ends the program's whole process group
// if the lab goes away without stopping it.
type process struct {
	name  string
	pid   int // the program's PID, which is also its process group's
	watch *exec.Cmd
	pipe  *os.File // the lab's end of the watcher's standard input

	done   chan struct{} // closed once the program has exited
	mu     sync.Mutex
	status string // how it exited, once done
}

// startProcess starts c's program through a watcher and returns once it
// runs.
func startProcess(name string, c command) (*process, error) {
	exe, err := lean.Executable()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot start the watcher: %w", name, err)
	}
	reportR, reportW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		reportR.Close()
		reportW.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	w := exec.Command(exe, append([]string{c.Dir, "--", c.Path}, c.Args...)...)
	w.Dir = c.Dir
	w.Env = append(append(programEnv(os.Environ()), c.Env...), child.Mark(watch.Role))
	w.Stdin = inR
	if c.Output != nil {
		w.Stdout, w.Stderr = c.Output, c.Output
	}
	w.ExtraFiles = []*os.File{reportW}
	// The watcher keeps clear of the terminal's signals: Ctrl-C is the
	// lab's to handle.
	w.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = w.Start()
	inR.Close()
	reportW.Close()
	if err != nil {
		inW.Close()
		reportR.Close()
		return nil, fmt.Errorf("%s: starting the watcher: %w", name, err)
	}
	p := &process{name: name, watch: w, pipe: inW, done: make(chan struct{})}
	first := make(chan string, 1)
	go p.follow(reportR, first)
	var line string
	select {
	case line = <-first:
	case <-time.After(10 * time.Second):
		line = "error the watcher did not answer"
	}
	if msg, ok := strings.CutPrefix(line, "error "); ok {
		p.Kill()
		return nil, fmt.Errorf("%s: %s", name, msg)
	}
	pid, err := strconv.Atoi(strings.TrimPrefix(line, "pid "))
	if err != nil {
		p.Kill()
		return nil, fmt.Errorf("%s: the watcher said %q", name, line)
	}
	p.mu.Lock()
	p.pid = pid
	p.mu.Unlock()
	return p, nil
}

// follow reads the watcher's reports: the first line (the program's PID,
// or why it did not start) goes to first; the last says how the program
// ended. Once the watcher is gone, done closes.
func (p *process) follow(report *os.File, first chan<- string) {
	defer report.Close()
	s := bufio.NewScanner(report)
	status, n := "ended", 0
	for s.Scan() {
		if n++; n == 1 {
			first <- s.Text()
			continue
		}
		if v, ok := strings.CutPrefix(s.Text(), "exit "); ok {
			status = "exit " + v
		}
	}
	if n == 0 {
		first <- "error the watcher ended before it started the program"
	}
	p.watch.Wait()
	p.pipe.Close()
	p.mu.Lock()
	p.status = status
	p.mu.Unlock()
	close(p.done)
}

// PID returns the program's PID.
func (p *process) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pid
}

// Exited reports whether the program has exited, and how.
func (p *process) Exited() (bool, string) {
	select {
	case <-p.done:
		p.mu.Lock()
		defer p.mu.Unlock()
		return true, p.status
	default:
		return false, ""
	}
}

// Signal sends the signal named sig ("TERM", "TTIN") to the program's
// own process (a master), as kill does, while it runs: once it has
// exited, its PID may be another program's.
func (p *process) Signal(sig string) error { return p.SignalPID(p.PID(), sig) }

// SignalPID sends the signal named sig to pid, one of the program's
// processes, while the program runs.
func (p *process) SignalPID(pid int, sig string) error {
	n, err := signalNumber(sig)
	if err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	if ended, _ := p.Exited(); ended || pid == 0 {
		return fmt.Errorf("%s: not running", p.name)
	}
	if err := syscall.Kill(pid, n); err != nil {
		return fmt.Errorf("%s: kill -%s %d: %w", p.name, sig, pid, err)
	}
	return nil
}

// Stop sends the signal named sig to the program and waits for it to
// exit, or for ctx to end; then it kills every process left in its
// group. It returns once the program and its watcher are gone.
func (p *process) Stop(ctx context.Context, sig string) error {
	if err := p.Signal(sig); err != nil {
		p.Kill() // it is gone already
		return nil
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
	}
	p.Kill()
	return fmt.Errorf("%s: killed, as it did not stop in time: %w", p.name, ctx.Err())
}

// Kill ends the program's whole process group at once and waits for its
// watcher to go.
func (p *process) Kill() {
	if pid := p.PID(); pid != 0 {
		if ended, _ := p.Exited(); !ended {
			syscall.Kill(-pid, syscall.SIGKILL)
		}
	}
	// Closing the watcher's pipe is what the lab's death looks like to
	// it: it ends whatever is left.
	p.pipe.Close()
	<-p.done
}

// signalNumber returns the Unix signal named name (TTIN, SIGTERM).
func signalNumber(name string) (syscall.Signal, error) {
	n := strings.TrimPrefix(strings.ToUpper(name), "SIG")
	if s, ok := signals[n]; ok {
		return s, nil
	}
	return 0, fmt.Errorf("no signal %s here", name)
}

var signals = map[string]syscall.Signal{
	"HUP": syscall.SIGHUP, "INT": syscall.SIGINT, "QUIT": syscall.SIGQUIT, "TERM": syscall.SIGTERM,
	"TTIN": syscall.SIGTTIN, "TTOU": syscall.SIGTTOU, "USR1": syscall.SIGUSR1, "USR2": syscall.SIGUSR2,
	"WINCH": syscall.SIGWINCH, "KILL": syscall.SIGKILL, "ABRT": syscall.SIGABRT,
}
