//go:build unix

package prefork

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestListenerStaysNonBlocking checks that handing the socket to workers,
// at start and again at a respawn, leaves it in non-blocking mode, which
// the workers' accept wants: the flag is shared by every copy of the
// socket, and ln.File would clear it. The master's copy is on no poller
// (handOff): it would be told of every connection the workers accept.
func TestListenerStaysNonBlocking(t *testing.T) {
	s, _ := startServer(t, Options{Workers: 2})
	if _, err := s.KillWorker(context.Background()); err != nil {
		t.Fatal(err)
	}
	flush(t, s)
	rc, err := s.lnFile.SyscallConn()
	must(t, err)
	var flags int
	var ferr error
	must(t, rc.Control(func(fd uintptr) { flags, ferr = unix.FcntlInt(fd, unix.F_GETFL, 0) }))
	must(t, ferr)
	if flags&unix.O_NONBLOCK == 0 {
		t.Error("the listening socket is in blocking mode after the workers were started")
	}
	if err := s.lnFile.SetReadDeadline(time.Now()); !errors.Is(err, os.ErrNoDeadline) {
		t.Errorf("the master's listening socket takes a deadline (%v): it is on the poller", err)
	}
}

// TestWorkerTakesTERMFromAShell sends a worker a real SIGTERM, as kill
// -TERM PID from a shell would: it stops as gunicorn's worker does, firing
// worker_exit, and the master replaces it.
func TestWorkerTakesTERMFromAShell(t *testing.T) {
	s, rec := startServer(t, Options{Workers: 1, Hooks: Hooks})
	sub := rec.Subscribe()
	defer sub.Close()
	pid := s.PIDs()[1]
	must(t, syscall.Kill(pid, syscall.SIGTERM))
	if !gone(pid) {
		t.Fatalf("worker %d still running after SIGTERM", pid)
	}
	flush(t, s)
	text := eventText(sub.TryNext(0))
	for _, want := range []string{"worker_exit (worker, pid", "child_exit"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "terminated due to signal") {
		t.Errorf("the worker did not stop by itself:\n%s", text)
	}
	if pids := s.PIDs(); len(pids) != 2 || pids[1] == pid {
		t.Errorf("PIDs %v after the worker stopped; want a new one", pids)
	}
}
