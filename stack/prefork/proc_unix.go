//go:build unix

package prefork

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// Supported reports whether the pre-fork server runs on this system: nil
// on Unix, where worker processes inherit the listening socket and accept
// on it themselves.
func Supported() error { return nil }

// ownGroup starts cmd in a process group of its own, so that a Ctrl-C
// typed at the lab's terminal reaches the lab alone: the master decides
// what its workers do.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killedBy returns the signal that ended a process, as gunicorn logs it,
// and whether one did.
func killedBy(ps *os.ProcessState) (int, bool) {
	st, ok := ps.Sys().(syscall.WaitStatus)
	if !ok || !st.Signaled() {
		return 0, false
	}
	return int(st.Signal()), true
}

// honourSignals makes the signals gunicorn's workers take do what the
// master's commands do, for whoever sends them from a shell (kill -TERM
// PID): the lab's master itself uses the control pipe.
func (w *worker) honourSignals() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGABRT)
	go func() {
		for sig := range sigs {
			switch sig {
			case syscall.SIGTERM:
				w.do(cmdStop)
			case syscall.SIGINT, syscall.SIGQUIT:
				w.do(cmdQuit)
			case syscall.SIGABRT:
				w.do(cmdAbort)
			}
		}
	}()
}
