package proctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// LabEnv names a lab binary for the benchmarks that start processes from
// it; go build ./cmd/ngw2f-lab makes one.
const LabEnv = "NGW2F_LAB_BINARY"

// ChildEnv names a lean child executable for the same benchmarks; go
// build ./cmd/ngw2f-lab-child makes one.
const ChildEnv = "NGW2F_CHILD_BINARY"

// LabBinary returns the lab's binary for a benchmark that measures what a
// process the lab starts costs when it has no child executable beside it:
// the one LabEnv names, else one it builds into a temporary directory. A
// test binary would not do: it links only its own package's imports,
// where every process the lab starts pays for the package init of
// everything the lab links.
func LabBinary(tb testing.TB) string {
	tb.Helper()
	return binary(tb, LabEnv, "ngw2f-lab")
}

// ChildBinary returns the lab's lean child executable, which the lab
// starts its children from when it lies beside it (lean.Executable): the
// one ChildEnv names, else one it builds into a temporary directory.
func ChildBinary(tb testing.TB) string {
	tb.Helper()
	return binary(tb, ChildEnv, "ngw2f-lab-child")
}

// binary returns the binary env names, else the command cmd/name built
// into a temporary directory as the release archives build it
// (.ci/release), with CGO_ENABLED=0: a binary linked with cgo is loaded by
// the system's dynamic linker and starts its threads through libc, which
// costs each process a few milliseconds more.
func binary(tb testing.TB, env, name string) string {
	tb.Helper()
	if bin := os.Getenv(env); bin != "" {
		return bin
	}
	dir := tb.TempDir()
	// go build names the binary as the system does (ngw2f-lab.exe on
	// Windows); os/exec finds it by the name without the suffix.
	cmd := exec.Command("go", "build", "-o", dir, "github.com/ngw2f/ngw2f-lab/cmd/"+name)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("building %s: %v\n%s", name, err, out)
	}
	return filepath.Join(dir, name)
}
