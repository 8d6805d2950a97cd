package tui

import (
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/tui/markdown"
)

// TestListItemsReflow renders a list item broken at short lines: it wraps
// to the panel's width as a paragraph does, not at the source's breaks.
func TestListItemsReflow(t *testing.T) {
	t.Parallel()
	md := "- the first item, whose words\n  the source broke\n  at short lines\n"
	out := renderMarkdown(md, markdown.Styles{}, 80)
	if !strings.Contains(out, "the first item, whose words the source broke at short lines") {
		t.Errorf("the item kept its source's line breaks:\n%s", out)
	}
}
