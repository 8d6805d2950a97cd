package telnet

import (
	"strings"
	"testing"
)

func TestCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		line      string
		connected bool
		want      Result
		output    string // a part of Output, when want.Output is not all of it
	}{
		{name: "empty line resumes", line: "  ", connected: true, want: Result{Resume: true}},
		{name: "close", line: "close", connected: true, want: Result{Close: true, Resume: true}},
		{name: "close abbreviated", line: "cl", connected: true, want: Result{Close: true, Resume: true}},
		{name: "close unconnected", line: "close", want: Result{Output: "?Need to be connected first.\n"}},
		{name: "quit", line: "q", want: Result{Quit: true, Resume: true}},
		{name: "status", line: "status", connected: true, want: Result{Resume: true,
			Output: "Connected to localhost.\nOperating in obsolete linemode\nLocal character echo\nEscape character is '^]'.\n"}},
		{name: "status unconnected", line: "st", want: Result{Resume: true, Output: "No connection.\nEscape character is '^]'.\n"}},
		{name: "send ayt", line: "send ayt", connected: true, want: Result{Resume: true, Send: []byte{255, 246}}},
		{name: "send escape and ip", line: "send escape ip", connected: true, want: Result{Resume: true, Send: []byte{0x1d, 255, 244}}},
		{name: "send unknown", line: "send xyz", connected: true, output: "Unknown send argument 'xyz'"},
		{name: "send help", line: "send ?", output: "ayt     Send Telnet 'Are You There'"},
		{name: "send unconnected", line: "send ayt", output: "?Need to be connected first."},
		{name: "help", line: "?", output: "Commands may be abbreviated."},
		{name: "invalid", line: "fly", want: Result{Output: "?Invalid command\n"}},
		{name: "ambiguous", line: "s", want: Result{Output: "?Invalid command\n"}},
		{name: "toggle help", line: "toggle ?", output: "visible         toggle showing CR, LF"},
		{name: "toggle unknown", line: "toggle crmod", output: "'crmod': unknown argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c Commands
			got := c.Run(tt.line, tt.connected, "localhost")
			if tt.output != "" {
				if !strings.Contains(got.Output, tt.output) || got.Resume {
					t.Errorf("Run(%q) = %+v, want output with %q, staying at the prompt", tt.line, got, tt.output)
				}
				return
			}
			if got.Output != tt.want.Output || got.Resume != tt.want.Resume || got.Close != tt.want.Close ||
				got.Quit != tt.want.Quit || string(got.Send) != string(tt.want.Send) {
				t.Errorf("Run(%q) = %+v, want %+v", tt.line, got, tt.want)
			}
		})
	}
}

func TestToggleVisible(t *testing.T) {
	t.Parallel()
	var c Commands
	if r := c.Run("toggle visible", true, "h"); !c.Visible || !r.Resume || !strings.HasPrefix(r.Output, "Will show control bytes") {
		t.Errorf("first toggle: %+v, visible %v", r, c.Visible)
	}
	if r := c.Run("status", true, "h"); !strings.Contains(r.Output, "Showing control bytes") {
		t.Errorf("status does not say so: %q", r.Output)
	}
	c.Run("t v", true, "h")
	if c.Visible {
		t.Error("a second toggle left it on")
	}
}
