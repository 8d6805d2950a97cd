package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsFlowOneWay checks the layout the README describes: each
// part of the lab imports only the parts below it, tests included, so
// that the telnet client does not link the lesson engine and a layer
// never needs a screen.
func TestImportsFlowOneWay(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH to list the imports")
	}
	const mod = "github.com/ngw2f/ngw2f-lab/"
	above := map[string][]string{ // a part, and what it must not import
		"stack":       {"lessons", "transcripts", "tui", "cmd"},
		"lessons":     {"transcripts", "tui", "cmd"},
		"transcripts": {"tui", "cmd"},
		"tui":         {"cmd"},
	}
	for part, banned := range above {
		out, err := exec.Command("go", "list", "-deps", "-test", "-f", `{{.ImportPath}}`, "../../"+part+"/...").Output()
		if err != nil {
			t.Fatalf("go list %s: %v", part, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range banned {
				if strings.HasPrefix(dep, mod+b+"/") || dep == mod+b {
					t.Errorf("%s imports %s (directly or through another package)", part, dep)
				}
			}
		}
	}
}
