package main

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/child"
	"github.com/ngw2f/ngw2f-lab/stack/child/lean"
)

// buildLabAndChild builds the lab and its lean child executable into one
// directory, as the release archives ship them, and returns it.
func buildLabAndChild(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the lab and its child executable")
	}
	dir := t.TempDir()
	out, err := exec.Command("go", "build", "-o", dir,
		"github.com/ngw2f/ngw2f-lab/cmd/ngw2f-lab", "github.com/ngw2f/ngw2f-lab/cmd/"+lean.Name).CombinedOutput()
	if err != nil {
		t.Fatalf("building the lab and its child: %v\n%s", err, out)
	}
	return dir
}

// TestChildExecutableHasEveryRole holds the lean child executable to the
// roles the lab's binary has (this test binary links what main does):
// a role it lacked would make a worker or a script exit 3 when the child
// lies beside the lab.
func TestChildExecutableHasEveryRole(t *testing.T) {
	t.Parallel()
	dir := buildLabAndChild(t)
	out, err := exec.Command(filepath.Join(dir, lean.Name), "--roles").Output()
	if err != nil {
		t.Fatalf("%s --roles: %v", lean.Name, err)
	}
	got := strings.Fields(string(out))
	if want := child.Roles(); !slices.Equal(got, want) {
		t.Errorf("%s runs the roles %v, the lab %v", lean.Name, got, want)
	}
}
