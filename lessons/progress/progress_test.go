package progress

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state", "ngw2f-lab", FileName)
	s, warn := Open(path)
	if warn != nil {
		t.Fatalf("a missing file warned: %v", warn)
	}
	for _, step := range []int{2, 1, 2} {
		if err := s.StepDone("01-http", step, 3); err != nil {
			t.Fatal(err)
		}
	}
	if s.Get("01-http").Done {
		t.Error("done after 2 of 3 steps")
	}
	if err := s.StepDone("01-http", 3, 3); err != nil {
		t.Fatal(err)
	}
	again, warn := Open(path)
	if warn != nil {
		t.Fatal(warn)
	}
	got := again.Get("01-http")
	if !reflect.DeepEqual(got.Steps, []int{1, 2, 3}) || !got.Done || got.Updated.IsZero() {
		t.Errorf("read back %+v, want steps 1-3, done, a time", got)
	}
	if g := again.Get("02-proxy"); g.Done || len(g.Steps) != 0 {
		t.Errorf("an untouched lesson has progress %+v", g)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".progress-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestSolvedAndReset(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	s, _ := Open(path)
	for _, c := range []string{"b", "a", "b"} {
		if err := s.Solved("01-http", c); err != nil {
			t.Fatal(err)
		}
	}
	again, warn := Open(path)
	if warn != nil {
		t.Fatal(warn)
	}
	if got := again.Get("01-http").Solved; !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("solved %v, want [a b]", got)
	}
	if err := again.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("file still there after Reset: %v", err)
	}
	if got := again.Get("01-http"); len(got.Solved) != 0 {
		t.Errorf("progress after Reset %+v", got)
	}
	if err := again.Reset(); err != nil {
		t.Errorf("a second Reset: %v", err)
	}
}

func TestCorruptFileIsSetAside(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
	}{
		{name: "not json", content: "{\"version\": 1, \"lessons\": {"},
		{name: "wrong shape", content: `{"lessons": {"01-http": {"steps": "all"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), FileName)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			s, warn := Open(path)
			if warn == nil || !strings.Contains(warn.Error(), "moved to "+path+".corrupt") {
				t.Fatalf("warning %v, want it to say where the file went", warn)
			}
			if b, err := os.ReadFile(path + ".corrupt"); err != nil || string(b) != tt.content {
				t.Errorf("set-aside file %q, %v; want the old content", b, err)
			}
			if err := s.StepDone("01-http", 1, 8); err != nil {
				t.Fatalf("saving after a corrupt file: %v", err)
			}
			if again, warn := Open(path); warn != nil || len(again.Get("01-http").Steps) != 1 {
				t.Errorf("fresh file not readable: %v", warn)
			}
		})
	}
}

func TestUnreadableFileIsNotFatal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.Mkdir(path, 0o755); err != nil { // a directory cannot be read as a file
		t.Fatal(err)
	}
	s, warn := Open(path)
	if s == nil || warn == nil {
		t.Fatalf("Open = %v, %v; want a store and a warning", s, warn)
	}
	if s.Get("01-http").Done {
		t.Error("progress from nowhere")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Parallel()
	// xdg is absolute on every system; home and local (%LocalAppData%) are
	// only handed back, in this system's separators.
	xdg := t.TempDir()
	home := filepath.Join("/", "h")
	local := filepath.Join("/", "Users", "ada", "AppData", "Local")
	tests := []struct {
		name, goos, xdg, localAppData string
		noHome                        bool
		want                          string // "" for an error
	}{
		{name: "linux, xdg set", goos: "linux", xdg: xdg, want: filepath.Join(xdg, "ngw2f-lab", "progress.json")},
		{name: "linux, xdg unset", goos: "linux", want: filepath.Join(home, ".local", "state", "ngw2f-lab", "progress.json")},
		{name: "linux, xdg relative is ignored", goos: "linux", xdg: "rel", want: filepath.Join(home, ".local", "state", "ngw2f-lab", "progress.json")},
		{name: "linux, no home", goos: "linux", noHome: true},
		{name: "freebsd as linux", goos: "freebsd", want: filepath.Join(home, ".local", "state", "ngw2f-lab", "progress.json")},
		{name: "darwin, xdg set", goos: "darwin", xdg: xdg, want: filepath.Join(xdg, "ngw2f-lab", "progress.json")},
		{name: "darwin, xdg unset", goos: "darwin", want: filepath.Join(home, "Library", "Application Support", "ngw2f-lab", "progress.json")},
		{name: "windows, xdg set", goos: "windows", xdg: xdg, localAppData: local, want: filepath.Join(xdg, "ngw2f-lab", "progress.json")},
		{name: "windows, xdg unset", goos: "windows", localAppData: local, want: filepath.Join(local, "ngw2f-lab", "progress.json")},
		{name: "windows, no LocalAppData", goos: "windows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"XDG_STATE_HOME": tt.xdg, "LocalAppData": tt.localAppData}
			homeDir := func() (string, error) {
				if tt.noHome {
					return "", errors.New("$HOME is not defined")
				}
				return home, nil
			}
			got, err := defaultPath(tt.goos, func(k string) string { return env[k] }, homeDir)
			if tt.want == "" && err == nil || tt.want != "" && (err != nil || got != tt.want) {
				t.Errorf("defaultPath = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestDefaultPathOnThisSystem checks that DefaultPath reads this
// system's environment: XDG_STATE_HOME wins everywhere.
func TestDefaultPathOnThisSystem(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	if got, err := DefaultPath(); err != nil || got != filepath.Join(dir, "ngw2f-lab", FileName) {
		t.Errorf("DefaultPath = %q, %v", got, err)
	}
}

// TestSavesAtOnceLoseNothing: steps recorded from several goroutines at
// once (the TUI saves in its Cmds) all end up in the file.
func TestSavesAtOnceLoseNothing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	s, _ := Open(path)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.StepDone("01-http", i+1, 100); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	again, warn := Open(path)
	if warn != nil {
		t.Fatal(warn)
	}
	if got := again.Get("01-http").Steps; len(got) != n {
		t.Errorf("the file holds %d steps, want %d", len(got), n)
	}
}
