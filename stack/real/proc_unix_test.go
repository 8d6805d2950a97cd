//go:build unix

package real

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/proctest"
)

// startSleeper starts, through a watcher, a shell that starts a second
// process in its group and waits; it returns the process and the PIDs of
// both, and the private directory.
func startSleeper(t *testing.T) (p *process, shell, sleeper int, dir string) {
	t.Helper()
	dir, err := os.MkdirTemp("", privatePrefix+"*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	p, err = startProcess("sleeper", command{Path: "/bin/sh", Args: []string{"-c", "sleep 60 & echo $! > sleeper.pid; wait"}, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	for deadline := time.Now().Add(5 * time.Second); len(b) == 0 || b[len(b)-1] != '\n'; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the shell never said its child's PID")
		}
		b, _ = os.ReadFile(filepath.Join(dir, "sleeper.pid"))
	}
	sleeper, err = strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return p, p.PID(), sleeper, dir
}

// TestWatcherEndsTheGroupWhenTheLabIsGone closes the watcher's pipe as
// the lab's death does (its end of the pipe closes with it, even on kill
// -9): the program, the process it started, and its directory are gone.
func TestWatcherEndsTheGroupWhenTheLabIsGone(t *testing.T) {
	t.Parallel()
	p, shell, sleeper, dir := startSleeper(t)
	p.pipe.Close()
	for _, pid := range []int{shell, sleeper} {
		if !proctest.WaitGone(pid, 5*time.Second) {
			t.Errorf("pid %d still runs after the lab went", pid)
		}
	}
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the watcher never ended")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the directory %s is still there: %v", dir, err)
	}
}

// TestStopEndsTheWholeGroup stops the program: the process it started is
// gone as well, and the watcher says how the program ended.
func TestStopEndsTheWholeGroup(t *testing.T) {
	t.Parallel()
	p, shell, sleeper, _ := startSleeper(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Stop(ctx, "TERM"); err != nil {
		t.Fatal(err)
	}
	for _, pid := range []int{shell, sleeper} {
		if !proctest.WaitGone(pid, 5*time.Second) {
			t.Errorf("pid %d still runs after Stop", pid)
		}
	}
	if ended, how := p.Exited(); !ended || how != "exit terminated" {
		t.Errorf("ended %v, %q", ended, how)
	}
	if err := p.Signal("TERM"); err == nil {
		t.Error("a signal to a program that ended was sent")
	}
}
