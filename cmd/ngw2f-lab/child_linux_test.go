package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/child/lean"
)

// TestChildrenStartFromTheChildExecutable starts lesson 3's stack (ngw2f-lab
// up 3) from a directory that holds the lab and its child executable, and
// reads which binary each process the lab started runs (/proc/PID/exe,
// hence Linux): the child executable; then, with it removed, the lab's
// own binary, its fallback.
func TestChildrenStartFromTheChildExecutable(t *testing.T) {
	t.Parallel()
	dir := buildLabAndChild(t)
	lab, childExe := filepath.Join(dir, "ngw2f-lab"), filepath.Join(dir, lean.Name)
	for _, tt := range []struct {
		name string
		want string
	}{{"beside the lab", childExe}, {"removed", lab}} {
		if tt.want == lab {
			if err := os.Remove(childExe); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(lab, "up", "3", "--free-ports")
		cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
		out := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready := regexp.MustCompile(`in front on 127\.0\.0\.1:\d+`)
		for deadline := time.Now().Add(30 * time.Second); !ready.MatchString(out.String()); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("%s: no %s in:\n%s", tt.name, ready, out.String())
			}
		}
		started := descendants(t, cmd.Process.Pid)
		if len(started) < 2 {
			t.Errorf("%s: the lab started %d processes, want its two workers at least", tt.name, len(started))
		}
		for _, pid := range started {
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && exe != tt.want {
				t.Errorf("%s: process %d runs %s, want %s", tt.name, pid, exe, tt.want)
			}
		}
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}
}
