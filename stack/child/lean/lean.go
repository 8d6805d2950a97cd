// Package lean finds the binary the lab starts its children from (package
// child): the lab's lean child executable, cmd/ngw2f-lab-child, when it
// lies beside the lab's own binary and comes from the same build, else the
// lab's own binary, which runs every role too. The child executable links
// only what the children run (the pre-fork server's workers and spare,
// the CGI scripts, the real programs' watcher, the apps), so that each
// starts in a few milliseconds, where the lab's binary, which links the
// lessons, the terminal interface and the Markdown renderer, takes
// several times as long. The release archives ship it beside the lab; go
// build ./cmd/... builds both.
//
// The package is apart from package child, which every child links, so
// that a child does not link what reads another binary's build.
package lean

import (
	"debug/buildinfo"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"
)

// Name is the name of the lab's lean child executable, without the
// system's suffix (".exe" on Windows).
const Name = "ngw2f-lab-child"

// staleSlack is how much older than the lab's binary a child executable
// may be, in a build that records no commit, and still be taken for part
// of the same build: go build ./cmd/... writes the two a moment apart.
const staleSlack = time.Minute

// Executable returns the binary to start children from: the lean child
// executable beside this process's own, when it is there and of this
// process's build; else this process's own binary, which runs every role
// too (go run ./cmd/ngw2f-lab, a lab installed alone, the tests).
func Executable() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("lean: finding the lab's own binary: %w", err)
	}
	own, ok := debug.ReadBuildInfo()
	if !ok {
		return self, nil
	}
	if lean := beside(self, own); lean != "" {
		return lean, nil
	}
	return self, nil
}

// beside returns the child executable beside self, the lab's binary built
// as own says, or "" when there is none of the same build.
func beside(self string, own *debug.BuildInfo) string {
	if target, err := filepath.EvalSymlinks(self); err == nil {
		self = target // a lab linked from bin/ finds the child beside its target
	}
	lean := filepath.Join(filepath.Dir(self), Name+exeSuffix)
	fi, err := os.Stat(lean)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	info, err := buildinfo.ReadFile(lean)
	if err != nil || !sameBuild(own, info) {
		return ""
	}
	if !committed(own) {
		// Nothing says which source each was built from: a child older
		// than the lab may be left from before a change.
		lab, err := os.Stat(self)
		if err != nil || fi.ModTime().Before(lab.ModTime().Add(-staleSlack)) {
			return ""
		}
	}
	return lean
}

// sameBuild reports whether a child built as child says comes from the
// same build as the lab built as lab: the same toolchain, module version,
// build settings (system, flags, commit) and, for every module the child
// links, the same version.
func sameBuild(lab, child *debug.BuildInfo) bool {
	if lab.GoVersion != child.GoVersion || lab.Main != child.Main || !maps.Equal(settings(lab), settings(child)) {
		return false
	}
	deps := map[string]debug.Module{}
	for _, d := range lab.Deps {
		deps[d.Path] = moduleOf(d)
	}
	for _, d := range child.Deps {
		if l, ok := deps[d.Path]; !ok || l != moduleOf(d) {
			return false
		}
	}
	return true
}

// moduleOf is a module without its replacement's pointer, to compare.
func moduleOf(m *debug.Module) debug.Module {
	c := *m
	if m.Replace != nil {
		c.Path, c.Version, c.Sum = m.Replace.Path, m.Replace.Version, m.Replace.Sum
		c.Replace = nil
	}
	return c
}

func settings(bi *debug.BuildInfo) map[string]string {
	m := make(map[string]string, len(bi.Settings))
	for _, s := range bi.Settings {
		m[s.Key] = s.Value
	}
	return m
}

// committed reports whether a build records the commit it was built
// from, with no change.
func committed(bi *debug.BuildInfo) bool {
	s := settings(bi)
	return s["vcs.revision"] != "" && s["vcs.modified"] == "false"
}
