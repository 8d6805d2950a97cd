package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui/markdown"
)

// TestExpectationsReadAsWritten draws what a lab block's expectation
// checks: the text of a quoted string keeps its backslashes and marks,
// which markdown would otherwise take for escapes and emphasis.
func TestExpectationsReadAsWritten(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"quotes in a body", []string{"body", `"name":"Flask"`}, `checks that the answer contains "\"name\":\"Flask\""`},
		{"emphasis marks", []string{"body", "*a* _b_ `c`"}, "checks that the answer contains \"*a* _b_ `c`\""},
		{"a status", []string{"status", "200"}, "checks that the answer's status is 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			md := describeAction(lessons.Action{Verb: lessons.Expect, Args: tt.args})
			got := strings.TrimSpace(ansi.Strip(markdown.Render(md, 200, markdown.Styles{})))
			if got != tt.want {
				t.Errorf("drawn as %q, want %q", got, tt.want)
			}
		})
	}
}
