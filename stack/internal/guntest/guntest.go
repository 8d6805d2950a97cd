// Package guntest starts Debian's gunicorn for the interop tests that
// compare the lab's layers with it: on a loopback socket the test holds,
// stopped by its PID when the test ends.
package guntest

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
)

// Start runs gunicorn, the program at bin, with 2 sync workers serving
// app (module:name) from dir, with env added to its environment, and
// returns the address it serves on once a worker has booted. The caller
// has checked that gunicorn and what app needs are installed.
//
// gunicorn is handed its listening socket, open (--bind fd://3), rather
// than a port to bind: a port found free and closed may be another
// test's by the time gunicorn binds it.
func Start(t testing.TB, bin, dir, app string, env ...string) string {
	t.Helper()
	ln, addr := porttest.Listener(t)
	cmd := exec.Command(bin, "--chdir", dir, "-w", "2", "-b", "fd://3", app)
	cmd.Env = append(cmd.Environ(), env...)
	cmd.ExtraFiles = []*os.File{ln}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ln.Close()
	booted := make(chan bool, 1)
	var log strings.Builder // written until booted is sent, read after
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			log.WriteString(s.Text() + "\n")
			if strings.Contains(s.Text(), "Booting worker with pid") {
				booted <- true
				for s.Scan() {
				}
				return
			}
		}
		booted <- false
	}()
	t.Cleanup(func() {
		if cmd.Process.Signal(syscall.SIGTERM) != nil {
			cmd.Process.Kill() // Windows has no SIGTERM to send
		}
		cmd.Wait()
	})
	select {
	case ok := <-booted:
		if !ok {
			t.Fatalf("gunicorn did not start:\n%s", log.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("gunicorn did not boot a worker in 10s")
	}
	return addr
}
