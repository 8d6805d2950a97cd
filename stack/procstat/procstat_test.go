package procstat

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestOpenFiles opens a file and closes it, and checks that the count
// follows.
func TestOpenFiles(t *testing.T) {
	before, err := OpenFiles()
	if runtime.GOOS == "windows" {
		if err == nil {
			t.Errorf("OpenFiles = %d on Windows, want an error", before)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "held"))
	if err != nil {
		t.Fatal(err)
	}
	held, err := OpenFiles()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	after, err := OpenFiles()
	if err != nil {
		t.Fatal(err)
	}
	if held != before+1 || after != before {
		t.Errorf("open files: %d before, %d with one more open, %d once closed", before, held, after)
	}
}

// TestThreadsFollow locks goroutines to their threads while they wait,
// so that the process must have a thread for each besides the one this
// test runs on, then lets them end with their threads locked, which ends
// the threads too, and checks that the count follows: down by most of
// them, as the runtime keeps the main thread if one of them ran there, and
// may start a thread for other work meanwhile.
func TestThreadsFollow(t *testing.T) {
	const n = 8
	before := Threads()
	var locked, release sync.WaitGroup
	locked.Add(n)
	release.Add(1)
	for range n {
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
			locked.Done()
			release.Wait()
		}()
	}
	locked.Wait()
	during := Threads()
	release.Done()
	if during < n+1 {
		t.Fatalf("Threads = %d with %d goroutines locked to threads and this one running", during, n)
	}
	ended := during - n/2
	deadline := time.Now().Add(5 * time.Second)
	for Threads() > ended && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if after := Threads(); after > ended {
		t.Errorf("Threads = %d once the %d locked goroutines ended, %d while they waited (%d before)", after, n, during, before)
	}
}

// TestResidentMB checks that the resident set size follows memory this
// process touches, where it can be read.
func TestResidentMB(t *testing.T) {
	before, err := ResidentMB()
	if runtime.GOOS != "linux" {
		if err == nil {
			t.Errorf("ResidentMB = %v outside Linux, want an error", before)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	held := make([]byte, 64<<20)
	for i := range held {
		held[i] = 1
	}
	after, err := ResidentMB()
	if err != nil {
		t.Fatal(err)
	}
	if after-before < 60 {
		t.Errorf("resident %.1f MB with 64 MB touched, %.1f MB before", after, before)
	}
	runtime.KeepAlive(held)
}
