package main

import (
	"strings"
	"testing"
)

// TestCompletion: the shell completes lesson numbers, with their titles,
// and the values of --format, --theme and --from.
func TestCompletion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"lesson numbers", []string{"__complete", "lesson", ""}, []string{"1\tHTTP is text", "9\tWhy two web servers"}},
		{"a lesson number begun", []string{"__complete", "replay", "1"}, []string{"1\tHTTP is text"}},
		{"up's lesson", []string{"__complete", "up", ""}, []string{"6\tFlask, the framework"}},
		{"export's format", []string{"__complete", "export", "1", "--format", ""}, []string{"md\ta Markdown handout", "har\tHAR 1.2"}},
		{"the theme", []string{"__complete", "lesson", "1", "--theme", ""}, []string{"high-contrast\tfor projectors"}},
		{"a talk's first lesson", []string{"__complete", "present", "--from", ""}, []string{"3\tgunicorn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, _, err := execute(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("completing %q offers no %q:\n%s", tt.args[1:], w, out)
				}
			}
		})
	}
	if out, _, _ := execute(t, "__complete", "replay", "1"); strings.Contains(out, "2\t") {
		t.Errorf("completing 1 offers lesson 2:\n%s", out)
	}
}
