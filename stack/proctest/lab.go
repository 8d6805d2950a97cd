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

// LabBinary returns the lab's binary for a benchmark that measures what a
// process the lab starts costs: the one LabEnv names, else one it builds
// into a temporary directory. A test binary would not do: it links only
// its own package's imports, where every process the lab starts pays for
// the package init of everything the lab links.
func LabBinary(tb testing.TB) string {
	tb.Helper()
	if bin := os.Getenv(LabEnv); bin != "" {
		return bin
	}
	dir := tb.TempDir()
	// go build names the binary as the system does (ngw2f-lab.exe on
	// Windows); os/exec finds it by the name without the suffix.
	cmd := exec.Command("go", "build", "-o", dir, "github.com/ngw2f/ngw2f-lab/cmd/ngw2f-lab")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("building the lab: %v\n%s", err, out)
	}
	return filepath.Join(dir, "ngw2f-lab")
}
