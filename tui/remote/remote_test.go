package remote

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// setTempDir makes dir the temporary directory os.TempDir returns.
func setTempDir(t *testing.T, dir string) {
	if runtime.GOOS == "windows" {
		t.Setenv("TMP", dir)
		t.Setenv("TEMP", dir)
		return
	}
	t.Setenv("TMPDIR", dir)
}

func TestSocketPath(t *testing.T) {
	short := t.TempDir()
	long := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 40)) // as macOS's /var/folders/..., longer
	if err := os.MkdirAll(long, 0o700); err != nil {
		t.Fatal(err)
	}
	own := "ngw2f-lab-" + strconv.Itoa(os.Getuid())
	if runtime.GOOS == "windows" {
		own = "ngw2f-lab"
	}
	tests := []struct {
		name         string
		runtime, tmp string
		want         string // "" for an error
	}{
		{"runtime directory", short, long, filepath.Join(short, "ngw2f-lab", SocketName)},
		{"runtime directory too long", long, short, filepath.Join(short, own, SocketName)},
		{"relative runtime directory", "run", short, filepath.Join(short, own, SocketName)},
		{"temporary directory", "", short, filepath.Join(short, own, SocketName)},
		{"temporary directory too long", "", long, filepath.Join("/tmp", own, SocketName)},
	}
	if runtime.GOOS == "windows" {
		tests[len(tests)-1].want = "" // no /tmp to fall back to
	}
	if _, err := os.Stat(filepath.Join("/tmp", own)); errors.Is(err, fs.ErrNotExist) {
		t.Cleanup(func() { os.Remove(filepath.Join("/tmp", own)) })
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_RUNTIME_DIR", tt.runtime)
			setTempDir(t, tt.tmp)
			p, err := SocketPath()
			if tt.want == "" {
				if err == nil {
					t.Errorf("SocketPath = %q, want an error", p)
				}
				return
			}
			if err != nil || p != tt.want {
				t.Fatalf("SocketPath = %q, %v, want %q", p, err, tt.want)
			}
			if len(p) >= maxSocketPath {
				t.Errorf("%q is %d bytes, more than a socket's path holds on macOS", p, len(p))
			}
			fi, err := os.Stat(filepath.Dir(p))
			if err != nil || !fi.IsDir() || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
				t.Errorf("directory of %q: %v, %v; want one only the user may use", p, fi.Mode(), err)
			}
		})
	}
}

func TestFollowAndCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), SocketName)
	s, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Publish(State{Lesson: 1, Step: 1, Notes: "first"})
	states := make(chan State, 10)
	done := make(chan struct{})
	followed := make(chan error, 1)
	go func() { followed <- Follow(path, done, func(st State) { states <- st }) }()
	if st := <-states; st.Step != 1 || st.Notes != "first" {
		t.Errorf("first state %+v", st)
	}
	s.Publish(State{Lesson: 1, Step: 2, Notes: "second"})
	if st := <-states; st.Step != 2 {
		t.Errorf("second state %+v", st)
	}
	if err := Send(path, "next"); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-s.Commands():
		if c != "next" {
			t.Errorf("command %q", c)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no command came")
	}
	if err := Send(path, "jump"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("Send(jump) = %v", err)
	}
	if _, err := Listen(path); err == nil || !strings.Contains(err.Error(), "another presentation") {
		t.Errorf("a second Listen = %v", err)
	}
	s.Close()
	if st := <-states; !st.Ended {
		t.Errorf("last state %+v, want Ended", st)
	}
	if err := <-followed; err != nil {
		t.Errorf("Follow = %v", err)
	}
	close(done)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
	if err := Send(path, "next"); !errors.Is(err, ErrNoPresentation) {
		t.Errorf("Send after Close = %v", err)
	}
}

func TestStaleSocketIsReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), SocketName)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// TestPublishNeverWaits: a follower that does not read (a notes terminal
// suspended with ^Z) must not hold up the presenter: Publish returns at
// once however much it has to send, and a follower that reads later gets
// the latest state.
func TestPublishNeverWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), SocketName)
	s, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stuck, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	big := strings.Repeat("n", 1<<20) // more than the socket buffers hold
	published := make(chan struct{})
	go func() {
		for i := range 20 {
			s.Publish(State{Step: i + 1, Notes: big})
		}
		close(published)
	}()
	select {
	case <-published:
	case <-time.After(10 * time.Second):
		t.Fatal("Publish waits for a follower that does not read")
	}
	states := make(chan State, 1)
	done := make(chan struct{})
	defer close(done)
	go Follow(path, done, func(st State) {
		select {
		case states <- st:
		default:
		}
	})
	if st := <-states; st.Step != 20 {
		t.Errorf("a new follower got step %d, want the latest, 20", st.Step)
	}
}
