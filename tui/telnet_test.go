package tui

import (
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// TestPromptShowsDrillVerdicts: a drill run as a step (in a talk, say)
// says which layer refused each request in the console, where the room
// looks.
func TestPromptShowsDrillVerdicts(t *testing.T) {
	t.Parallel()
	m := newTelnetPrompt(common.New(testStyles()))
	m.output(runner.Output{Kind: runner.OutInfo, Text: "break it: bare LF line endings"})
	m.output(runner.Output{Kind: runner.OutVerdict, Text: "refused by proxy: 400 Bad Request"})
	var got []string
	for _, l := range m.lines {
		got = append(got, l.text)
	}
	want := "lab: break it: bare LF line endings|lab: verdict: refused by proxy: 400 Bad Request"
	if strings.Join(got, "|") != want {
		t.Errorf("console lines %q, want %q", got, want)
	}
}
