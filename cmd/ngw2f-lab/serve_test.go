package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestServingCommandsWarn gives --listen 0.0.0.0 to the commands that
// start layers: each warns that the front layer is reachable from other
// machines before it does anything else. present and check used to say
// nothing. Each stops early here, before a layer starts: present has no
// terminal, check is interrupted, lesson and up are given no lesson.
func TestServingCommandsWarn(t *testing.T) {
	t.Parallel()
	const warning = "warning: listening on 0.0.0.0 makes the lab's front layer reachable from other machines"
	interrupted, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		run  func(ios ioStreams) error
	}{
		{"present", func(ios ioStreams) error {
			return presentRun(context.Background(), ios, presentOptions{Listen: "0.0.0.0", Theme: "default"})
		}},
		{"check", func(ios ioStreams) error {
			return checkRun(interrupted, ios, checkOptions{Listen: "0.0.0.0"})
		}},
		{"up", func(ios ioStreams) error {
			return upRun(context.Background(), ios, upOptions{Arg: "nope", Listen: "0.0.0.0"})
		}},
		{"lesson", func(ios ioStreams) error {
			return lessonRun(context.Background(), ios, lessonOptions{Arg: "nope", Listen: "0.0.0.0"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			if err := tt.run(ioStreams{Out: &out, Err: &errb}); err == nil {
				t.Fatalf("%s started where the test stops it early", tt.name)
			}
			if !strings.HasPrefix(errb.String(), warning) {
				t.Errorf("%s printed no warning first: %q", tt.name, errb.String())
			}
		})
	}
}
