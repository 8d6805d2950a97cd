package proxy

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack"
)

// envTestLab makes the test binary a lab that starts a proxy with the
// talk's part I, prints the directory it wrote, and waits to be killed.
const envTestLab = "NGW2F_PROXY_TEST_LAB"

func runTestLab() {
	c, err := LoadEmbedded("part-1")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	p := New(stack.Config{}, c)
	if err := p.Start(context.Background()); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(p.dir)
	select {}
}

// TestStartSweepsWhatDeadLabsLeft kills a lab with -9 while its proxy
// runs, as a learner's crash does: its directory stays behind. The next
// proxy to start removes it, and only what a lab that is gone left: this
// very process's, a directory with no PID in its name (an older lab's)
// and another user's or another running lab's stay. The system's
// temporary directory is the test's own.
func TestStartSweepsWhatDeadLabsLeft(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // Unix
	t.Setenv("TMP", tmp)    // Windows
	t.Setenv("TEMP", tmp)
	lab := exec.Command(os.Args[0], "-test.run=^$")
	lab.Env = append(os.Environ(), envTestLab+"=1")
	out, err := lab.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := lab.Start(); err != nil {
		t.Fatal(err)
	}
	dead, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		lab.Process.Kill()
		lab.Wait()
		t.Fatal(err)
	}
	dead = dead[:len(dead)-1]
	lab.Process.Kill()
	lab.Wait()
	if _, err := os.Stat(filepath.Join(dead, "conf", "nginx.conf")); err != nil {
		t.Fatalf("the killed lab left no directory to sweep: %v", err)
	}
	deadFile := filepath.Join(tmp, tempPrefix+strconv.Itoa(lab.Process.Pid)+"-body-1")
	mine := filepath.Join(tmp, tempPrefix+strconv.Itoa(os.Getpid())+"-7")
	older := filepath.Join(tmp, tempPrefix+"2015375347")
	for _, d := range []string{mine, older} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(deadFile, []byte("an answer"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadEmbedded("part-1")
	if err != nil {
		t.Fatal(err)
	}
	p := startConfig(t, c, nil)
	for _, gone := range []string{dead, deadFile} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", gone, err)
		}
	}
	for _, kept := range []string{mine, older, p.dir} {
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("%s was swept: %v", kept, err)
		}
	}
}

func TestTempOwner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pid  int
		ok   bool
	}{
		{"ngw2f-lab-proxy-4242-2015375347", 4242, true},
		{"ngw2f-lab-proxy-4242-body-88", 4242, true},
		{"ngw2f-lab-proxy-2015375347", 0, false},
		{"ngw2f-lab-proxy-body-88", 0, false},
		{"ngw2f-lab-proxy-4242-", 0, false},
		{"ngw2f-lab-proxy--1", 0, false},
	}
	for _, tt := range tests {
		if pid, ok := tempOwner(tt.name); pid != tt.pid || ok != tt.ok {
			t.Errorf("tempOwner(%q) = %d, %v; want %d, %v", tt.name, pid, ok, tt.pid, tt.ok)
		}
	}
}
