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

// envMisbehave names a file: the first worker process that creates it
// says it is ready and then sends its master a frame of no known kind;
// the others are ordinary workers.
const envMisbehave = "PREFORK_TEST_MISBEHAVE"

// claim reports whether this process is the first to create path.
func claim(path string) bool {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// misbehave is a worker that sends garbage once it is ready, then waits
// to be killed.
func misbehave() int {
	if _, err := readConfig(os.NewFile(fdControl, "control")); err != nil {
		return exitBootError
	}
	out := &pipeSink{f: os.NewFile(fdEvents, "events")}
	out.ready()
	out.send('Z', []byte("not a frame the master knows"))
	time.Sleep(time.Minute)
	return exitOK
}

// TestMalformedFrameKillsTheWorker checks that a worker that sends what
// its master cannot read is killed at once, with a line that says why,
// and replaced, instead of serving unobserved until its timeout.
func TestMalformedFrameKillsTheWorker(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "misbehaved")
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	start := func(cmd *exec.Cmd) error {
		cmd.Env = append(cmd.Env, envMisbehave+"="+marker)
		return cmd.Start()
	}
	s := New(stack.Config{Trace: rec}, Options{Workers: 1, Procs: Procs{Start: start}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.Start(ctx))
	defer s.Close()
	flush(t, s) // the master has killed it and started another
	text := eventText(sub.TryNext(0))
	var bad int
	_, booted, _ := strings.Cut(text, "Booting worker with pid: ")
	if _, err := fmt.Sscan(booted, &bad); err != nil {
		t.Fatalf("no first worker in:\n%s", text)
	}
	if want := fmt.Sprintf("Worker with pid %d sent what the master cannot read", bad); !strings.Contains(text, want) {
		t.Errorf("no %q in:\n%s", want, text)
	}
	if !gone(bad) {
		t.Errorf("worker %d, which sent garbage, still runs", bad)
	}
	if pids := s.PIDs(); len(pids) != 2 || pids[1] == bad {
		t.Errorf("PIDs %v after the worker was killed; want a new one", pids)
	}
}
