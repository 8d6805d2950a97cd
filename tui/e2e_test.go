package tui

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/proctest"
)

// buildLab builds the ngw2f-lab binary into a temporary directory and
// returns its path. go build, given a directory, names the binary as the
// system does (ngw2f-lab.exe on Windows); os/exec finds it by the name
// without the suffix.
func buildLab(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir, "github.com/ngw2f/ngw2f-lab/cmd/ngw2f-lab")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the lab: %v\n%s", err, out)
	}
	return filepath.Join(dir, "ngw2f-lab")
}

// needTmux skips a test that drives the lab in tmux where tmux is not
// installed, before it builds anything.
func needTmux(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (apt-get install tmux): the end-to-end test drives the lab in it")
	}
}

// tmuxSession is a tmux server of the test's own, running one program.
type tmuxSession struct {
	t      testing.TB
	socket string
}

// newTmux starts argv in a tmux server of its own at w x h, with env set;
// the test calls needTmux first.
func newTmux(t testing.TB, w, h int, env []string, argv ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("ngw2f-lab-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	args := []string{"new-session", "-d", "-s", "lab", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, "exec "+strings.Join(argv, " "))
	s.run(args...)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-L", s.socket, "-f", "/dev/null"}, args...)...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *tmuxSession) keys(keys ...string) {
	s.run(append([]string{"send-keys", "-t", "lab"}, keys...)...)
}

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p", "-t", "lab") }

func (s *tmuxSession) pid() int {
	pid, err := strconv.Atoi(strings.TrimSpace(s.run("display-message", "-p", "-t", "lab", "#{pane_pid}")))
	if err != nil {
		s.t.Fatal(err)
	}
	return pid
}

// waitFor waits until the pane shows every one of wants.
func (s *tmuxSession) waitFor(wants ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := s.screen()
		missing := firstMissing(screen, wants)
		if missing == "" {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the pane never showed %q:\n%s", missing, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rawsockAt matches the raw socket server's line in the stack panel.
var rawsockAt = regexp.MustCompile(`rawsock\s+running\s.*?127\.0\.0\.1:(\d+)`)

// TestEndToEndInTmux runs the built binary in tmux at 100x30, runs lesson
// 1's demo request with the presenter's key, reads the request and its
// answer off the pane, quits, and checks that the lab's process is gone
// and its port closed: the port the system gave it, read off the pane.
func TestEndToEndInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	needTmux(t)
	bin := buildLab(t)
	s := newTmux(t, 100, 30, []string{"XDG_STATE_HOME=" + t.TempDir()},
		bin, "lesson", "1", "--free-ports")
	s.waitFor("Lesson 1 · HTTP is text", "1. Start the dozen-line server")
	pid := s.pid()

	s.keys("n")
	m := rawsockAt.FindStringSubmatch(s.waitFor("rawsock   running"))
	if m == nil {
		t.Fatalf("no address on the raw socket server's line:\n%s", s.screen())
	}
	port := m[1]
	s.keys("n")
	screen := s.waitFor("1 GET / HTTP/1.0 (16 B)", "2 HTTP/1.1 200 OK (51 B)", "Hello, World! (from a raw socket)")
	if !strings.Contains(screen, "✓ 2. Type the talk's request") {
		t.Errorf("step 2 is not ticked:\n%s", screen)
	}

	s.keys("q")
	if !proctest.WaitGone(pid, 10*time.Second) {
		t.Fatalf("the lab (pid %d) still runs 10s after q", pid)
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
		c.Close()
		t.Errorf("port %s still answers after the lab quit", port)
	}
}
