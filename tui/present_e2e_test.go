package tui

import (
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// waitPane waits until the tmux pane target shows every one of wants.
func (s *tmuxSession) waitPane(target string, wants ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := s.run("capture-pane", "-p", "-t", target)
		missing := firstMissing(screen, wants)
		if missing == "" {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("pane %s never showed %q:\n%s", target, missing, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runtimeDir returns a runtime directory of the test's own, short enough
// for a unix socket's path.
func runtimeDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "rt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// TestPresentAndNotesInTmux runs a presentation of lesson 1 in one tmux
// session and ngw2f-lab notes in another: the presenter's key runs the
// steps, the notes follow with each step's speaker notes and the next
// step, ngw2f-lab next drives it from a third command, and quitting ends
// the notes' presentation.
func TestPresentAndNotesInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	needTmux(t)
	bin := buildLab(t)
	env := []string{"XDG_RUNTIME_DIR=" + runtimeDir(t), "XDG_STATE_HOME=" + t.TempDir()}
	s := newTmux(t, 120, 36, env, bin, "present", "--to", "1", "--free-ports")
	s.waitFor("PRESENTING · Lesson 1 · intro", "3) HTTP at 2:30")
	args := []string{"new-session", "-d", "-s", "notes", "-x", "90", "-y", "30"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	s.run(append(args, "exec "+bin+" notes")...)
	s.waitPane("notes", "Lesson 1 · HTTP is text · intro", "NEXT · Start the dozen-line server", "Open on the timeline")

	s.keys("Space")
	s.waitFor("step 1/9", "rawsock   running")
	s.keys("Space")
	s.waitFor("1 GET / HTTP/1.0 (16 B)", "Hello, World! (from a raw socket)")
	s.waitPane("notes", "step 2 of 9: Type the talk's request", "This is the talk's telnet demo", "NEXT · Send the whole request at once")

	next := exec.Command(bin, "next")
	next.Env = append(os.Environ(), env...)
	if out, err := next.CombinedOutput(); err != nil {
		t.Fatalf("ngw2f-lab next: %v\n%s", err, out)
	}
	s.waitFor("step 3/9", "GET / HTTP/1.0 (18 B)")
	s.waitPane("notes", "step 3 of 9: Send the whole request at once")

	s.keys("q")
	s.waitPane("notes", "ngw2f-lab notes")
	deadline := time.Now().Add(10 * time.Second)
	for {
		screen := s.run("capture-pane", "-p", "-t", "notes")
		if strings.Contains(screen, "has ended") || strings.Contains(screen, "waiting for a presentation") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the notes did not see the end:\n%s", screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
	prev := exec.Command(bin, "prev")
	prev.Env = append(os.Environ(), env...)
	if out, err := prev.CombinedOutput(); err == nil || !strings.Contains(string(out), "no presentation is running") {
		t.Errorf("prev with no presentation: %v\n%s", err, out)
	}
}

// TestPresentFallsBackToReplay takes the front port before the talk: the
// first step cannot start its layer, says so in one line, and the steps
// play their recorded run instead.
func TestPresentFallsBackToReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	needTmux(t)
	bin := buildLab(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := strconv.Itoa(taken.Addr().(*net.TCPAddr).Port)
	s := newTmux(t, 160, 40, []string{"XDG_RUNTIME_DIR=" + runtimeDir(t), "XDG_STATE_HOME=" + t.TempDir()},
		bin, "present", "--to", "1", "--port", port)
	s.waitFor("PRESENTING")
	s.keys("Space")
	s.waitFor("REPLAY: rawsock could not start: 127.0.0.1:"+port+" is taken", "── REPLAY of step 1, as recorded")
	s.keys("Space")
	s.waitFor("step 2/9", "check ok: the server closed the connection", "✓ 2. Type the talk's request")
	s.keys("q")
}
