package proctest

import (
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
)

// childEnv marks the test binary started as a short-lived child: it
// sleeps for the duration in the variable, then exits.
const childEnv = "PROCTEST_CHILD_SLEEP"

func TestMain(m *testing.M) {
	if d, ok := os.LookupEnv(childEnv); ok {
		sleep, err := time.ParseDuration(d)
		if err != nil {
			os.Exit(2)
		}
		time.Sleep(sleep)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startChild starts this test binary as a child that sleeps for d.
func startChild(t *testing.T, d time.Duration) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+d.String())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

func TestRunningSelf(t *testing.T) {
	if !Running(os.Getpid()) {
		t.Errorf("this process (pid %d) does not run", os.Getpid())
	}
}

// TestGoneBeforeReaped watches a child exit on its own and checks that it
// counts as gone before its parent waits for it (a zombie on Unix), and
// after.
func TestGoneBeforeReaped(t *testing.T) {
	cmd := startChild(t, 300*time.Millisecond)
	pid := cmd.Process.Pid
	if !Running(pid) {
		t.Fatalf("child %d does not run right after it started", pid)
	}
	if !WaitGone(pid, 10*time.Second) {
		t.Fatalf("child %d still runs 10s after it should have exited", pid)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child %d: %v", pid, err)
	}
	if Running(pid) {
		t.Errorf("child %d runs after Wait", pid)
	}
}

// TestWaitGoneKilled checks that WaitGone waits no longer than told for a
// child that goes on running, and sees it gone once killed.
func TestWaitGoneKilled(t *testing.T) {
	cmd := startChild(t, time.Minute)
	pid := cmd.Process.Pid
	start := time.Now()
	if WaitGone(pid, 100*time.Millisecond) {
		t.Fatalf("child %d gone while it sleeps", pid)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("WaitGone took %v to give up after 100ms", d)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if !WaitGone(pid, 10*time.Second) {
		t.Errorf("child %d still runs 10s after it was killed", pid)
	}
}

// TestChildren starts a child and finds it among this process's children,
// and no longer once it has been killed and waited for.
func TestChildren(t *testing.T) {
	cmd := startChild(t, time.Minute)
	pid := cmd.Process.Pid
	kids, err := Children(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(kids, pid) {
		t.Errorf("children %v lack the child %d", kids, pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if kids, err := Children(os.Getpid()); err != nil || slices.Contains(kids, pid) {
		t.Errorf("children %v, %v after the child %d was reaped", kids, err, pid)
	}
}
