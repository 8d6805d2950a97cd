//go:build unix

package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/proctest"
	"github.com/ngw2f/ngw2f-lab/stack/real"
)

// needReal skips the test where the real nginx and gunicorn are missing
// (stack/real's tests, which CI requires, hold them to be there).
func needReal(t *testing.T) {
	t.Helper()
	progs := real.NewPrograms(real.Paths{})
	for _, p := range []real.Program{real.ProgramNginx, real.ProgramGunicorn} {
		if _, err := progs.Find(p); err != nil {
			t.Skip(err)
		}
	}
}

// descendants returns every process under pid, its children first.
func descendants(t *testing.T, pid int) []int {
	t.Helper()
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		kids, err := proctest.Children(queue[0])
		if err != nil {
			t.Fatal(err)
		}
		queue = append(queue[1:], kids...)
		out = append(out, kids...)
	}
	return out
}

// startLab runs the test binary as the lab with args, in a process group
// of its own as a shell runs a command, and returns it once its output
// matches ready; what it prints goes on into out.
func startLab(t *testing.T, ready *regexp.Regexp, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), asLabEnv+"=1", "XDG_STATE_HOME="+t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	out := &syncBuffer{}
	go io.Copy(out, bufio.NewReader(stdout))
	for deadline := time.Now().Add(30 * time.Second); !ready.MatchString(out.String()); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s in:\n%s", ready, out.String())
		}
	}
	return cmd, out
}

// TestRealProgramsEndWithTheLab starts lesson 3's stack on the real
// nginx and gunicorn (ngw2f-lab up 3 --real) and ends the lab each way a
// user can: Ctrl-C (SIGINT to its process group, as the terminal sends
// it), SIGTERM, and kill -9, which leaves the lab no chance to stop
// anything: the watchers do. No process the lab started is left.
func TestRealProgramsEndWithTheLab(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real nginx and gunicorn")
	}
	needReal(t)
	for _, tt := range []struct {
		name  string
		group bool // to the lab's process group, as a terminal's Ctrl-C
		sig   syscall.Signal
	}{
		{name: "Ctrl-C", group: true, sig: syscall.SIGINT},
		{name: "SIGTERM", sig: syscall.SIGTERM},
		{name: "kill -9", sig: syscall.SIGKILL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lab, out := startLab(t, regexp.MustCompile(`in front on 127\.0\.0\.1:\d+`), "up", "3", "--real", "--free-ports")
			// Two watchers, gunicorn's master and two workers, nginx's
			// master and its worker, which the masters fork on their own
			// time.
			var started []int
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				if started = descendants(t, lab.Process.Pid); len(started) >= 7 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the lab started %d processes, want 7 at least:\n%s", len(started), out.String())
				}
			}
			pid := lab.Process.Pid
			if tt.group {
				pid = -pid
			}
			if err := syscall.Kill(pid, tt.sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- lab.Wait() }()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				t.Fatalf("the lab still runs 15s after %s", tt.name)
			}
			var left []string
			for _, p := range started {
				if !proctest.WaitGone(p, 10*time.Second) {
					left = append(left, fmt.Sprint(p))
				}
			}
			if len(left) > 0 {
				t.Errorf("after %s, processes the lab started still run: %s\n%s", tt.name, strings.Join(left, ", "), out.String())
			}
		})
	}
}

// TestRealProgramsEndWhenTheTUIQuits runs lesson 3 with --real in the
// TUI, in tmux, starts its stack with the presenter's key, and quits with
// q: the real gunicorn and nginx are gone with the lab.
func TestRealProgramsEndWhenTheTUIQuits(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real nginx and gunicorn in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (apt-get install tmux): the test drives the lab in it")
	}
	needReal(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	socket := fmt.Sprintf("ngw2f-lab-real-%d", os.Getpid())
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-s", "lab", "-x", "120", "-y", "40", "-e", asLabEnv+"=1", "-e", "XDG_STATE_HOME="+t.TempDir(),
		"-e", "TERM=xterm-256color", fmt.Sprintf("exec %s lesson 3 --real --free-ports", exe))
	t.Cleanup(func() { exec.Command("tmux", "-L", socket, "kill-server").Run() })
	var lab int
	fmt.Sscan(tmux("display-message", "-p", "-t", "lab", "#{pane_pid}"), &lab)
	waitPane := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			if strings.Contains(tmux("capture-pane", "-p", "-t", "lab"), want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the pane never showed %q:\n%s", want, tmux("capture-pane", "-p", "-t", "lab"))
			}
		}
	}
	waitPane("Lesson 3")
	tmux("send-keys", "-t", "lab", "n")
	var started []int
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		started = descendants(t, lab)
		if len(started) >= 7 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lab started %d processes, want 7 at least:\n%s", len(started), tmux("capture-pane", "-p", "-t", "lab"))
		}
	}
	tmux("send-keys", "-t", "lab", "q")
	if !proctest.WaitGone(lab, 15*time.Second) {
		t.Fatalf("the lab (pid %d) still runs 15s after q:\n%s", lab, tmux("capture-pane", "-p", "-t", "lab"))
	}
	var left []int
	for _, p := range started {
		if !proctest.WaitGone(p, 10*time.Second) {
			left = append(left, p)
		}
	}
	if len(left) > 0 {
		t.Errorf("after q, processes the lab started still run: %v", left)
	}
	if slices.Contains(started, lab) {
		t.Errorf("the lab counted itself")
	}
}
