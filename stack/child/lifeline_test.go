package child

import (
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestMain lets the test binary run the roles its tests register, as the
// lab's binary does.
func TestMain(m *testing.M) {
	Register("child-wait", func() int {
		time.Sleep(time.Minute)
		return 0
	})
	if Is() {
		os.Exit(Run())
	}
	os.Exit(m.Run())
}

// TestLifeline starts a child that would run for a minute and lets go of
// its lifeline, as the lab's death does: the child must exit at once with
// Orphaned.
func TestLifeline(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), Mark("child-wait"))
	l, err := Tether(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		l.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("the child ended with its lifeline held: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	start := time.Now()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != Orphaned {
			t.Errorf("the child ended with %v, want exit status %d", err, Orphaned)
		}
		t.Logf("the child exited %s after its lifeline was let go", time.Since(start).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("the child still ran 5 s after its lifeline was let go")
	}
}
