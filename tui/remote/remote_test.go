package remote

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSocketPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	p, err := SocketPath()
	if err != nil || p != filepath.Join(dir, "ngw2f-lab", SocketName) {
		t.Errorf("SocketPath = %q, %v", p, err)
	}
	t.Setenv("XDG_RUNTIME_DIR", "")
	p, err = SocketPath()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Dir(p))
	if err != nil || fi.Mode().Perm() != 0o700 || !strings.HasPrefix(p, os.TempDir()) {
		t.Errorf("fallback %q, mode %v, %v", p, fi.Mode(), err)
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
