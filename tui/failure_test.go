package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack"
)

func TestExplainError(t *testing.T) {
	t.Parallel()
	busy := &stack.PortBusyError{Layer: "rawsock", Addr: "127.0.0.1:8000"}
	tests := []struct {
		name, wantHint string
		err            error
	}{
		{name: "busy port", err: &lessons.Error{File: "l.md", Line: 3, Msg: busy.Error(), Err: busy}, wantHint: "--port"},
		{name: "steps out of order", err: &lessons.Error{File: "l.md", Line: 9, Msg: "telnet rawsock: rawsock is not running (start it first)", Err: errors.New("x")}, wantHint: "earlier steps first"},
		{name: "a bad lesson line", err: &lessons.Error{File: "mine.md", Line: 4, Msg: "unknown action"}, wantHint: "fix mine.md"},
		{name: "anything else", err: errors.New("telnet: connection refused"), wantHint: "run the step again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := explainError("Step 1 failed", tt.err)
			if f.text != tt.err.Error() || !strings.Contains(f.hint, tt.wantHint) {
				t.Errorf("failure %+v, want the error and a hint with %q", f, tt.wantHint)
			}
		})
	}
}
