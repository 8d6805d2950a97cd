//go:build unix

package watch

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/child"
)

func init() { child.Register(Role, run) }

// killGrace is how long the program's processes get to stop after TERM
// before the watcher kills them.
const killGrace = 2 * time.Second

// run starts the program its arguments name (DIR -- PROGRAM
// ARGS...), in a process group of its own, tells the lab its PID, and then
// waits. When the program exits, the watcher ends what is left of its
// group (workers whose master was killed) and reports how it ended. When
// the lab goes away first (the pipe on standard input reaches its end),
// it ends the whole group, TERM and KILL for what still runs two seconds
// later, and removes DIR, the program's private directory, which the lab
// would have removed.
func run() int {
	// The terminal's signals are for the lab, which stops the programs in
	// order; the watcher only acts when the lab is gone. They are caught
	// and dropped, not ignored: an ignored signal stays ignored in the
	// program the watcher starts, and Python would not stop on TERM.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGTSTP)
	report := os.NewFile(FDReport, "report")
	if len(os.Args) < 4 || os.Args[2] != "--" {
		fmt.Fprintln(report, "error the watcher was started without a directory and a program")
		return 2
	}
	dir := os.Args[1]
	cmd := exec.Command(os.Args[3], os.Args[4:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(report, "error %v\n", err)
		return 1
	}
	pgid := cmd.Process.Pid
	fmt.Fprintf(report, "pid %d\n", pgid)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	labGone := make(chan struct{})
	go func() {
		in := bufio.NewReader(os.Stdin)
		for {
			if _, err := in.ReadString('\n'); err != nil {
				close(labGone)
				return
			}
		}
	}()
	select {
	case err := <-exited:
		endGroup(pgid, nil)
		fmt.Fprintf(report, "exit %s\n", exitText(err))
	case <-labGone:
		endGroup(pgid, exited)
		if strings.HasPrefix(filepath.Base(dir), PrivatePrefix) {
			os.RemoveAll(dir)
		}
	}
	return 0
}

// endGroup ends process group pgid: TERM to each of its processes, then
// KILL once they had killGrace to stop. exited, when not nil, says when
// the group's leader has exited.
func endGroup(pgid int, exited <-chan error) {
	if syscall.Kill(-pgid, syscall.SIGTERM) != nil {
		return // nobody is left in the group
	}
	deadline := time.Now().Add(killGrace)
	for time.Now().Before(deadline) {
		if exited != nil {
			select {
			case <-exited:
				exited = nil
			default:
			}
		}
		if exited == nil && syscall.Kill(-pgid, 0) != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
}

// exitText says how a program ended: "0", "1", or a signal's name.
func exitText(err error) string {
	var ee *exec.ExitError
	if err == nil {
		return "0"
	}
	if !errors.As(err, &ee) {
		return err.Error()
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal().String()
	}
	return fmt.Sprint(ee.ExitCode())
}
