package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestDescribeBuild(t *testing.T) {
	t.Parallel()
	const rev = "288ff7f1a2b3c4d5e6f708192a3b4c5d6e7f8091"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2025-12-05T21:52:00Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	tests := []struct {
		name    string
		release string
		bi      *debug.BuildInfo
		want    string
	}{
		{
			name: "go install at a tag",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: "github.com/ngw2f/ngw2f-lab", Version: "v0.1.0"}},
			want: "v0.1.0",
		},
		{
			name: "go build in a clean checkout",
			bi: &debug.BuildInfo{
				Main:     debug.Module{Version: "v0.0.0-20251205215200-288ff7f1a2b3"},
				Settings: vcs("false"),
			},
			want: "v0.0.0-20251205215200-288ff7f1a2b3 (commit 288ff7f1a2b3)",
		},
		{
			name: "go build in a checkout with changes",
			bi: &debug.BuildInfo{
				Main:     debug.Module{Version: "v0.0.0-20251205215200-288ff7f1a2b3+dirty"},
				Settings: vcs("true"),
			},
			want: "v0.0.0-20251205215200-288ff7f1a2b3+dirty (commit 288ff7f1a2b3, modified)",
		},
		{
			name: "go build at a tag",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}, Settings: vcs("false")},
			want: "v0.1.0 (commit 288ff7f1a2b3)",
		},
		{
			name:    "release script",
			release: "0.1.0",
			bi:      &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}, Settings: vcs("false")},
			want:    "0.1.0 (commit 288ff7f1a2b3)",
		},
		{
			name:    "release script, no vcs information",
			release: "0.0.0-SNAPSHOT-288ff7f",
			bi:      &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			want:    "0.0.0-SNAPSHOT-288ff7f",
		},
		{
			name: "commit without a module version",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("true")},
			want: "development build (commit 288ff7f1a2b3, modified)",
		},
		{
			name: "a revision shorter than 12 digits",
			bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
				Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "288ff7f"}}},
			want: "development build (commit 288ff7f)",
		},
		{
			name: "go run",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: "github.com/ngw2f/ngw2f-lab", Version: "(devel)"}},
			want: "unknown: this build recorded no version and no commit (go run records none, nor go build with -buildvcs=false; go build -buildvcs=true in a git checkout names the commit)",
		},
		{
			name: "no build information",
			want: "unknown: this build recorded no version and no commit (go run records none, nor go build with -buildvcs=false; go build -buildvcs=true in a git checkout names the commit)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := describeBuild(tt.release, tt.bi); got != tt.want {
				t.Errorf("describeBuild(%q, ...) = %q, want %q", tt.release, got, tt.want)
			}
		})
	}
}

// TestVersionNamesCommit builds the lab from this checkout as an attendee
// would and checks that --version names the commit checked out.
func TestVersionNamesCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole lab; skipped with -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: cannot tell which commit is checked out")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not in a git checkout: a build here records no commit")
	}
	root := strings.TrimSpace(string(top))
	// go build finds a repository by its .git directory; in a linked
	// worktree .git is a file and the build records no commit
	// (golang.org/issue/58218).
	if fi, err := os.Stat(filepath.Join(root, ".git")); err != nil || !fi.IsDir() {
		t.Skipf("%s is a linked git worktree, where go build records no commit (golang.org/issue/58218)", root)
	}
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	commit := strings.TrimSpace(string(head))[:shortRevision]

	// -buildvcs=auto is go build's default; say it, since GOFLAGS may
	// turn it off. Given a directory, go build names the binary as the
	// system does (ngw2f-lab.exe on Windows), which os/exec finds by the
	// name without the suffix.
	dir := t.TempDir()
	build := exec.Command("go", "build", "-buildvcs=auto", "-o", dir, "./cmd/ngw2f-lab")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(dir, "ngw2f-lab"), "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("ngw2f-lab --version: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "commit "+commit) {
		t.Errorf("ngw2f-lab --version printed %q; want it to name commit %s", out, commit)
	}
}
