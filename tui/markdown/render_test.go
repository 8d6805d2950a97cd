package markdown

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// TestRender draws each element with no styles, so that the layout alone
// is compared.
func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, md string
		width    int
		want     string
	}{
		{"a paragraph wraps to the width less the margins", "one two three four five six seven eight nine ten eleven", 24,
			"  one two three four\n  five six seven eight\n  nine ten eleven"},
		{"soft breaks are spaces, hard breaks stay", "one\ntwo  \nthree", 40, "  one two\n  three"},
		{"blocks are a blank line apart", "# Title\n\ntext\n\n## Sub", 40, "  Title\n\n  text\n\n  ## Sub"},
		{"emphasis and code", "*a* **b** `c d`", 40, "  a b \u00a0c d\u00a0"},
		{"escapes and entities", `\*not\* &amp; &#65;`, 40, "  *not* & A"},
		{"a fenced block keeps its lines", "```go\nfunc main() {\n\treturn a_very_long_line_that_does_not_wrap\n}\n```", 20,
			"    func main() {\n        return a_very_long_line_that_does_not_wrap\n    }"},
		{"an unordered list hangs its lines", "- one two three four five six\n- b", 20,
			"  • one two three\n    four five six\n  • b"},
		{"an ordered list counts from its start", "3. c\n4. d", 40, "  3. c\n  4. d"},
		{"a nested list", "- a\n  - b\n- c", 40, "  • a\n    • b\n  • c"},
		{"a loose list", "- a\n\n- b", 40, "  • a\n\n  • b"},
		{"a link shows its URL", "[the talk](https://example.com/t) and <https://example.com>", 80,
			"  the talk https://example.com/t and https://example.com"},
		{"a block quote", "> quoted\n> text", 40, "  │ quoted text"},
		{"a thematic break", "a\n\n---\n\nb", 14, "  a\n\n  ──────────\n\n  b"},
		{"a table", "| a | bb |\n|---|---:|\n| ccc | d |", 40,
			"   a   │ bb\n  ─────┼────\n   ccc │  d"},
		{"a table narrowed to fit", "| a | b |\n|---|---|\n| one two three | x |", 18,
			"   a        │ b\n  ──────────┼───\n   one two  │ x\n   three    │"},
		{"control characters are not sent", "a\x1b[31mred\x07", 40, "  a\uFFFD[31mred\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Render(tt.md, tt.width, Styles{}); got != tt.want {
				t.Errorf("Render(%q, %d) =\n%s\nwant\n%s\n(%q)", tt.md, tt.width, got, tt.want, got)
			}
		})
	}
}

// TestStyles checks that each element is drawn in its style, and that
// strong and emphasised text keeps the colour of the text around it.
func TestStyles(t *testing.T) {
	t.Parallel()
	red := lipgloss.NewStyle().Foreground(lipgloss.Color("#FF0000"))
	st := Styles{Text: red, Strong: lipgloss.NewStyle().Bold(true), Code: lipgloss.NewStyle().Underline(true),
		Heading: lipgloss.NewStyle().Italic(true)}
	want := map[string]string{
		"a **b**": red.Bold(true).Render("b"),
		"`c`":     lipgloss.NewStyle().Underline(true).Foreground(lipgloss.Color("#FF0000")).Render("c"),
		"## h":    st.Heading.Render("h"),
		"plain":   red.Render("plain"),
	}
	for md, w := range want {
		if got := Render(md, 40, st); !strings.Contains(got, w) {
			t.Errorf("Render(%q) = %q, want it to hold %q", md, got, w)
		}
	}
}

// FuzzRender draws any text as a lesson file may hold it: it must not
// panic, must send no control character of the source to the terminal,
// and must fit the width but for the lines of code blocks, which are the
// source's own.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"# a\n\nb *c* `d`", "- a\n  - b\n    1. c", "| a | b |\n|-|-|\n| c | d |", "> q\n\n---\n\n```\ncode\n```",
		"[x](y) <z@w.org> ![i](j)", "a\x1b[2J\rb\tc", "<div>\nhtml\n</div>", "    indented\tcode"} {
		f.Add(s, 30)
	}
	f.Fuzz(func(t *testing.T, src string, width int) {
		width = 20 + abs(width)%100
		got := Render(src, width, Styles{Text: lipgloss.NewStyle().Bold(true)})
		plain := ansi.Strip(got)
		for _, r := range plain {
			if r < 0x20 && r != '\n' || r == 0x7f {
				t.Fatalf("control character %q drawn from %q:\n%q", r, src, got)
			}
		}
		verbatim, depth := shape(src)
		if verbatim || 2*margin+minWidth+4*depth > width {
			return // lines may be wider, as the package says
		}
		for _, line := range strings.Split(plain, "\n") {
			if ansi.StringWidth(line) > width {
				t.Fatalf("line %q of %q is wider than %d", line, src, width)
			}
		}
	})
}

// shape reports whether src has code or HTML blocks, drawn as they are,
// and how deep its lists and quotes nest.
func shape(src string) (verbatim bool, depth int) {
	doc := newParser().Parse(text.NewReader([]byte(src)))
	var walk func(n ast.Node, d int)
	walk = func(n ast.Node, d int) {
		switch n.(type) {
		case *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock:
			verbatim = true
		case *ast.ListItem, *ast.Blockquote:
			d++
		}
		depth = max(depth, d)
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			walk(c, d)
		}
	}
	walk(doc, 0)
	return verbatim, depth
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
