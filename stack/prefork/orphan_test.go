package prefork

import (
	"bufio"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/proctest"
)

// TestNoOrphansWhenTheMasterIsKilled starts a real master process (this
// test binary, standing in for the lab), kills it with SIGKILL, and finds
// none of its children, the workers and the spare, left a second later.
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
	// Every child: the workers, and the spare started ahead of need.
	kids, err := proctest.Children(cmd.Process.Pid)
	must(t, err)
	for _, pid := range pids[1:] {
		if !slices.Contains(kids, pid) || !proctest.Running(pid) {
			t.Fatalf("worker %d is not a running child of the master (children %v)", pid, kids)
		}
	}
	must(t, cmd.Process.Kill())
	cmd.Wait()
	for _, pid := range kids {
		if !gone(pid) { // gone waits a second at most
			if p, err := os.FindProcess(pid); err == nil {
				p.Kill()
			}
			t.Errorf("child %d still running a second after its master was killed", pid)
		}
	}
}
