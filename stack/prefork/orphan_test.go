package prefork

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestNoOrphansWhenTheMasterIsKilled starts a real master process (this
// test binary, standing in for the lab), kills it with SIGKILL, and finds
// none of its workers left a second later.
func TestNoOrphansWhenTheMasterIsKilled(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envTestMaster+"=1")
	out, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "[") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the master said %q, %v", line, err)
	}
	var pids []int
	for _, f := range strings.Fields(strings.Trim(line, "[]\n")) {
		pid, err := strconv.Atoi(f)
		must(t, err)
		pids = append(pids, pid)
	}
	if len(pids) != 3 || pids[0] != cmd.Process.Pid {
		t.Fatalf("PIDs %v, want the master %d and 2 workers", pids, cmd.Process.Pid)
	}
	for _, pid := range pids[1:] {
		if err := syscall.Kill(pid, 0); err != nil {
			t.Fatalf("worker %d is not running: %v", pid, err)
		}
	}
	// Every child: the workers, and the spare started ahead of need.
	kids := children(t, cmd.Process.Pid)
	if len(kids) < len(pids)-1 {
		t.Fatalf("children %v, want at least the workers %v", kids, pids[1:])
	}
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	cmd.Wait()
	for _, pid := range kids {
		if !gone(pid) { // gone waits a second at most
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("child %d still running a second after its master was killed", pid)
		}
	}
}

// children lists the processes whose parent is pid.
func children(t *testing.T, pid int) []int {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil || len(stats) == 0 {
		t.Skipf("no /proc to list processes: %v", err)
	}
	var out []int
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		_, rest, _ := strings.Cut(string(b), ") ")
		f := strings.Fields(rest)
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			out = append(out, child)
		}
	}
	return out
}
