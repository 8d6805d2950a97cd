package tui

import (
	"strings"
	"testing"

	gstyles "charm.land/glamour/v2/styles"
)

func TestJoinListLines(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, md, want string }{
		{"an item broken in the source", "- one\n  two\n- three\n  four\n", "- one two\n- three four\n"},
		{"numbered, lazy continuation", "1. one\ntwo\n\nafter\n", "1. one two\n\nafter\n"},
		{"a paragraph is left to glamour", "one\ntwo\n", "one\ntwo\n"},
		{"fenced code is kept", "- item\n```\n- a\n  b\n```\n", "- item\n```\n- a\n  b\n```\n"},
		{"a blank line ends the item", "- a\n\n  b\n", "- a\n\n  b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := joinListLines(tt.md); got != tt.want {
				t.Errorf("joinListLines(%q) = %q, want %q", tt.md, got, tt.want)
			}
		})
	}
}

// TestListItemsReflow renders a list item broken at short lines: it wraps
// to the panel's width as a paragraph does, not at the source's breaks.
func TestListItemsReflow(t *testing.T) {
	t.Parallel()
	md := "- the first item, whose words\n  the source broke\n  at short lines\n"
	out, err := renderMarkdown(md, gstyles.NoTTYStyleConfig, 80)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "the first item, whose words the source broke at short lines") {
		t.Errorf("the item kept its source's line breaks:\n%s", out)
	}
}
