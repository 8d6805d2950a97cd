package prefork

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// envMisbehave is "how:file": the first worker process that creates the
// file misbehaves as how says (see misbehave); the others are ordinary
// workers.
const envMisbehave = "PREFORK_TEST_MISBEHAVE"

// misbehaving returns a Procs whose first worker misbehaves as how says.
func misbehaving(t *testing.T, how string) Procs {
	marker := filepath.Join(t.TempDir(), how)
	return Procs{Start: func(cmd *exec.Cmd) error {
		cmd.Env = append(cmd.Env, envMisbehave+"="+how+":"+marker)
		return cmd.Start()
	}}
}

// claim reports whether this process is the first to create path.
func claim(path string) bool {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// misbehave is a worker that takes its configuration and then, as how
// says, sends garbage once it is ready ("garbage"), panics once it is
// ready ("panic"), or never becomes ready ("hang"); else it waits to be
// killed.
func misbehave(how string) int {
	if _, err := readConfig(os.NewFile(fdControl, "control")); err != nil {
		return exitBootError
	}
	out := &pipeSink{w: openFramePipe(fdEvents)}
	switch how {
	case "garbage":
		out.ready()
		out.send('Z', []byte("not a frame the master knows"))
	case "panic":
		out.ready()
		time.Sleep(50 * time.Millisecond)
		panic("a worker that crashes after it booted")
	}
	time.Sleep(time.Minute)
	return exitOK
}

// TestMalformedFrameKillsTheWorker checks that a worker that sends what
// its master cannot read is killed at once, with a line that says why,
// and replaced, instead of serving unobserved until its timeout.
func TestMalformedFrameKillsTheWorker(t *testing.T) {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	s := New(stack.Config{Trace: rec}, Options{Workers: 1, Procs: misbehaving(t, "garbage")})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.Start(ctx))
	defer s.Close()
	flush(t, s) // the master has killed it and started another
	text := eventText(sub.TryNext(0))
	// The worker that misbehaves never logs its own "Booting worker", as a
	// real one does: the master's line names it.
	var bad int
	_, killed, _ := strings.Cut(text, "Worker with pid ")
	if _, err := fmt.Sscan(killed, &bad); err != nil || !strings.HasPrefix(killed, fmt.Sprintf("%d sent what the master cannot read", bad)) {
		t.Fatalf("no line saying the worker sent what the master cannot read in:\n%s", text)
	}
	if !gone(bad) {
		t.Errorf("worker %d, which sent garbage, still runs", bad)
	}
	if pids := s.PIDs(); len(pids) != 2 || pids[1] == bad {
		t.Errorf("PIDs %v after the worker was killed; want a new one", pids)
	}
}

// TestShutdownWhileAWorkerBoots stops the server while its worker hangs
// in its boot: the boot gives up, the worker is killed, and Shutdown
// returns with its context rather than after the ten seconds a boot may
// take.
func TestShutdownWhileAWorkerBoots(t *testing.T) {
	s := New(stack.Config{}, Options{Workers: 1, Procs: misbehaving(t, "hang")})
	started := make(chan error, 1)
	go func() { started <- s.Start(context.Background()) }()
	time.Sleep(200 * time.Millisecond) // the worker has its configuration and hangs
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- s.Shutdown(ctx) }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown still waits for the worker's boot")
	}
	if err := <-started; err == nil {
		t.Error("Start succeeded though the server was stopped while its worker booted")
	}
}

// TestHaltsWhenAWorkerCannotStart lets the first two processes start (the
// worker and the spare behind it) and no more, as a file limit would,
// then kills the worker twice: the spare replaces it once, and the next
// replacement cannot start. The master then stops by itself, as
// gunicorn's does, and says why: its socket refuses clients at once
// instead of holding them with no worker to serve them.
func TestHaltsWhenAWorkerCannotStart(t *testing.T) {
	var started atomic.Int32
	start := func(cmd *exec.Cmd) error {
		if started.Add(1) > 2 {
			return errors.New("fork/exec: too many open files")
		}
		return cmd.Start()
	}
	haltsAfterTwoKills(t, Procs{Start: start}, nil, "Reason: prefork: starting a worker: fork/exec: too many open files")
}

// TestHaltsWhenTheExecutableIsGone deletes the binary the workers are
// started from once the worker and the spare run, as when a lab is
// rebuilt or removed under a running one: the third process cannot start,
// and the master halts, saying why.
func TestHaltsWhenTheExecutableIsGone(t *testing.T) {
	self, err := os.Executable()
	must(t, err)
	bin := filepath.Join(t.TempDir(), filepath.Base(self))
	must(t, copyFile(self, bin))
	executable := func() (string, error) { return bin, nil }
	haltsAfterTwoKills(t, Procs{Executable: executable}, func() { must(t, os.Remove(bin)) }, "no such file or directory")
}

// copyFile copies the file at from to a new executable file at to.
func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}

// haltsAfterTwoKills starts a one-worker server with procs, calls
// broken (when not nil) once it runs, and kills its worker twice: the
// spare replaces the first, no process replaces the second, and the
// master must halt with reason in its log, close its socket and refuse
// signals.
func haltsAfterTwoKills(t *testing.T, procs Procs, broken func(), reason string) {
	t.Helper()
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	s := New(stack.Config{Trace: rec}, Options{Workers: 1, Procs: procs})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.Start(ctx))
	defer s.Close()
	addr := s.Addr().String()
	if broken != nil {
		broken()
	}
	first, err := s.KillWorker(ctx)
	must(t, err)
	flush(t, s) // the spare took its place
	if err := s.Halted(); err != nil {
		t.Fatalf("halted after the spare replaced a worker: %v", err)
	}
	second, err := s.KillWorker(ctx)
	must(t, err)
	for _, pid := range []int{first, second} {
		if !gone(pid) {
			t.Errorf("worker %d still runs", pid)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Halted() == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := s.Halted(); err == nil {
		t.Fatalf("the master did not halt when no worker could start")
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("a halted master still takes clients on %s", addr)
	}
	if pids := s.PIDs(); len(pids) != 1 {
		t.Errorf("PIDs %v after the halt, want the master alone", pids)
	}
	text := eventText(sub.TryNext(0))
	for _, want := range []string{"Shutting down: Master", reason} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	if err := s.Signal(ctx, TTIN); err == nil {
		t.Error("a halted master took TTIN")
	}
}

// TestCrashAfterBootIsShown has a worker panic after it booted: the
// panic's words reach the master's log, LastCrash says how it ended, and
// the master replaces it.
func TestCrashAfterBootIsShown(t *testing.T) {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	s := New(stack.Config{Trace: rec}, Options{Workers: 1, Procs: misbehaving(t, "panic")})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.Start(ctx))
	defer s.Close()
	deadline := time.Now().Add(5 * time.Second)
	for s.LastCrash() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	flush(t, s)
	crash := s.LastCrash()
	if !strings.Contains(crash, "exited with code 2: panic: a worker that crashes after it booted") {
		t.Errorf("LastCrash() = %q, want the exit code and the panic", crash)
	}
	text := eventText(sub.TryNext(0))
	if !strings.Contains(text, ": panic: a worker that crashes after it booted") || !strings.Contains(text, "goroutine ") {
		t.Errorf("the panic and its stack are not in the master's log:\n%s", text)
	}
	if pids := s.PIDs(); len(pids) != 2 {
		t.Errorf("PIDs %v after the crash; want a replacement", pids)
	}
}
