package lean

import (
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"
)

// TestBeside lays out a lab's directory as the release archives and go
// build ./cmd/... do, with copies of this test binary standing in for the
// lab and its child (the same build, as theirs are), and checks which
// binary children start from.
func TestBeside(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	own, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("this test binary records no build information")
	}
	tests := []struct {
		name  string
		child func(t *testing.T, path string) // lays out the child; nil for none
		want  bool                            // the child is used
	}{
		{name: "no child: the lab's own binary", want: false},
		{name: "a child of the same build is used", want: true, child: func(t *testing.T, path string) {
			copyFile(t, self, path)
		}},
		{name: "a child that is no Go binary is not", want: false, child: func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a directory of the child's name is not", want: false, child: func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a child much older than the lab is not, when no commit says they match", want: committed(own), child: func(t *testing.T, path string) {
			copyFile(t, self, path)
			old := time.Now().Add(-2 * staleSlack)
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			lab := filepath.Join(dir, "ngw2f-lab"+exeSuffix)
			copyFile(t, self, lab)
			lean := filepath.Join(dir, Name+exeSuffix)
			if tt.child != nil {
				tt.child(t, lean)
			}
			got := beside(lab, own)
			want := ""
			if tt.want {
				want = lean
			}
			if got != want {
				t.Errorf("beside(%s) = %q, want %q", lab, got, want)
			}
		})
	}
}

// TestSameBuild shows which differences make a child of another build.
func TestSameBuild(t *testing.T) {
	lab := func() *debug.BuildInfo {
		return &debug.BuildInfo{
			GoVersion: "go1.26.8",
			Path:      "github.com/ngw2f/ngw2f-lab/cmd/ngw2f-lab",
			Main:      debug.Module{Path: "github.com/ngw2f/ngw2f-lab", Version: "v1.2.3"},
			Deps: []*debug.Module{
				{Path: "golang.org/x/net", Version: "v0.1.0", Sum: "h1:a"},
				{Path: "charm.land/bubbletea/v2", Version: "v2.0.0", Sum: "h1:b"},
			},
			Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "vcs.revision", Value: "abc"}},
		}
	}
	child := func() *debug.BuildInfo {
		bi := lab()
		bi.Path = "github.com/ngw2f/ngw2f-lab/cmd/ngw2f-lab-child"
		bi.Deps = bi.Deps[:1] // a child links fewer modules
		return bi
	}
	tests := []struct {
		name   string
		change func(bi *debug.BuildInfo)
		want   bool
	}{
		{name: "the same build, fewer modules", change: func(*debug.BuildInfo) {}, want: true},
		{name: "another toolchain", change: func(bi *debug.BuildInfo) { bi.GoVersion = "go1.26.7" }},
		{name: "another version", change: func(bi *debug.BuildInfo) { bi.Main.Version = "v1.2.2" }},
		{name: "another commit", change: func(bi *debug.BuildInfo) { bi.Settings[1].Value = "abd" }},
		{name: "another setting", change: func(bi *debug.BuildInfo) {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: "-race", Value: "true"})
		}},
		{name: "another version of a module", change: func(bi *debug.BuildInfo) { bi.Deps[0].Version = "v0.2.0" }},
		{name: "a module the lab lacks", change: func(bi *debug.BuildInfo) {
			bi.Deps = append(bi.Deps, &debug.Module{Path: "example.com/x", Version: "v1.0.0"})
		}},
		{name: "a module replaced", change: func(bi *debug.BuildInfo) {
			bi.Deps[0].Replace = &debug.Module{Path: "../net"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := child()
			tt.change(c)
			if got := sameBuild(lab(), c); got != tt.want {
				t.Errorf("sameBuild = %v, want %v", got, tt.want)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
