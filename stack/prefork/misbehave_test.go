package prefork

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
// says, sends garbage once it is ready ("garbage") or never becomes ready
// ("hang"); either way it then waits to be killed.
func misbehave(how string) int {
	if _, err := readConfig(os.NewFile(fdControl, "control")); err != nil {
		return exitBootError
	}
	if how == "garbage" {
		out := &pipeSink{f: os.NewFile(fdEvents, "events")}
		out.ready()
		out.send('Z', []byte("not a frame the master knows"))
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
