package peer

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMissing runs a test that calls Missing in a child test process,
// with and without RequiredEnv, and reads how it ended.
func TestMissing(t *testing.T) {
	if os.Getenv("PEER_TEST_CHILD") != "" {
		return
	}
	tests := []struct {
		name     string
		required bool
		want     string
	}{
		{"skips on a developer's machine", false, "--- SKIP: TestChildMissing"},
		{"fails where the programs are required", true, "--- FAIL: TestChildMissing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestChildMissing$", "-test.v")
			cmd.Env = append(os.Environ(), "PEER_TEST_CHILD=1")
			if tt.required {
				cmd.Env = append(cmd.Env, RequiredEnv+"=1")
			} else {
				cmd.Env = append(cmd.Env, RequiredEnv+"=")
			}
			out, _ := cmd.CombinedOutput()
			if !strings.Contains(string(out), tt.want) || !strings.Contains(string(out), "nginx 9.9 is not here") {
				t.Errorf("the child test said:\n%s\nwant %q and the reason", out, tt.want)
			}
		})
	}
}

// TestChildMissing is the test TestMissing runs in a child process.
func TestChildMissing(t *testing.T) {
	if os.Getenv("PEER_TEST_CHILD") == "" {
		t.Skip("run by TestMissing in a child process")
	}
	Missing(t, "nginx %s is not here", "9.9")
}
