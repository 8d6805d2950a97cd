package markdown

import (
	"strconv"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

const (
	// margin is the room left of every line and kept free right of it.
	margin = 2
	// minWidth is the least width text is wrapped to, however little
	// room a nested list or quote leaves it.
	minWidth = 10
	// nbsp pads inline code, and does not break.
	nbsp = "\u00a0"
)

// newParser makes the parser the first time it is needed, not at init:
// every process the lab starts from its binary initialises this package.
var newParser = sync.OnceValue(func() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(extension.Table)).Parser()
})

// Render draws src, markdown, in width columns with st, and returns its
// lines joined with "\n". Lines hold no trailing margin; a code block's
// lines are as long as the code's.
func Render(src string, width int, st Styles) string {
	source := []byte(src)
	doc := newParser().Parse(text.NewReader(source))
	d := drawer{src: source, st: st}
	lines := d.blocks(doc, max(width-2*margin, minWidth), true)
	pad := strings.Repeat(" ", margin)
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

// drawer draws the tree of one source.
type drawer struct {
	src []byte
	st  Styles
}

// blocks draws n's child blocks, one under the other, with a blank line
// between two when gap is set.
func (d *drawer) blocks(n ast.Node, width int, gap bool) []string {
	var out []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		lines := d.block(c, width)
		if len(lines) == 0 {
			continue
		}
		if gap && len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, lines...)
	}
	return out
}

// block draws one block in width columns.
func (d *drawer) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Heading:
		prefix := ""
		if n.Level > 1 {
			prefix = d.st.Heading.Render(strings.Repeat("#", n.Level) + " ")
		}
		return wrap(prefix+d.inlines(n, d.st.Heading), width)
	case *ast.Paragraph, *ast.TextBlock:
		return wrap(d.inlines(n, d.st.Text), width)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return d.verbatim(n, d.st.CodeBlock)
	case *ast.HTMLBlock:
		lines := d.verbatim(n, d.st.Text)
		if n.HasClosure() {
			lines = append(lines, d.st.Text.Render(cleanLine(string(n.ClosureLine.Value(d.src)))))
		}
		return lines
	case *ast.List:
		return d.list(n, width)
	case *ast.Blockquote:
		bar := d.st.Quote.Render("│ ")
		lines := d.blocks(n, max(width-2, minWidth), true)
		for i, l := range lines {
			lines[i] = bar + l
		}
		return lines
	case *ast.ThematicBreak:
		return []string{d.st.Rule.Render(strings.Repeat("─", width))}
	case *east.Table:
		return d.table(n, width)
	}
	return d.blocks(n, width, true)
}

// verbatim draws the lines of a code or HTML block as they are, indented
// by the margin and not wrapped.
func (d *drawer) verbatim(n ast.Node, st lipgloss.Style) []string {
	segs := n.Lines()
	out := make([]string, 0, segs.Len())
	for i := range segs.Len() {
		seg := segs.At(i)
		line := strings.Repeat(" ", seg.Padding) + string(seg.Value(d.src))
		out = append(out, strings.Repeat(" ", margin)+st.Render(cleanLine(line)))
	}
	return out
}

// list draws a list's items, each marked with a bullet or its number and
// its lines indented under its first. A loose list's items, and the
// blocks of each, are a blank line apart; a tight list's are not.
func (d *drawer) list(n *ast.List, width int) []string {
	var out []string
	num := n.Start
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "• "
		if n.IsOrdered() {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		indent := ansi.StringWidth(marker)
		lines := d.blocks(item, max(width-indent, minWidth), !n.IsTight)
		if len(lines) == 0 {
			lines = []string{""}
		}
		if !n.IsTight && len(out) > 0 {
			out = append(out, "")
		}
		for i, l := range lines {
			switch {
			case i == 0:
				l = d.st.Text.Render(marker) + l
			case l != "":
				l = strings.Repeat(" ", indent) + l
			}
			out = append(out, l)
		}
	}
	return out
}

// inlines draws n's inline children in st, as one string that breaks
// only where the source has a hard line break.
func (d *drawer) inlines(n ast.Node, st lipgloss.Style) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		d.inline(&b, c, st)
	}
	return b.String()
}

// inline draws one inline node in st, or in its own style laid over st.
func (d *drawer) inline(b *strings.Builder, n ast.Node, st lipgloss.Style) {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(d.src)
		v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
		b.WriteString(st.Render(clean(string(v))))
		switch {
		case n.HardLineBreak():
			b.WriteString("\n")
		case n.SoftLineBreak():
			b.WriteString(" ")
		}
	case *ast.String:
		b.WriteString(st.Render(clean(string(n.Value))))
	case *ast.CodeSpan:
		var code strings.Builder
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				code.Write(t.Segment.Value(d.src))
				if t.SoftLineBreak() {
					code.WriteString(" ")
				}
			}
		}
		b.WriteString(nbsp + d.st.Code.Inherit(st).Render(clean(code.String())) + nbsp)
	case *ast.Emphasis:
		em := d.st.Emph
		if n.Level >= 2 {
			em = d.st.Strong
		}
		b.WriteString(d.inlines(n, em.Inherit(st)))
	case *ast.Link:
		d.link(b, n, string(n.Destination), st)
	case *ast.Image:
		d.link(b, n, string(n.Destination), st)
	case *ast.AutoLink:
		b.WriteString(d.st.Link.Render(clean(string(n.Label(d.src)))))
	case *ast.RawHTML:
		for i := range n.Segments.Len() {
			seg := n.Segments.At(i)
			b.WriteString(st.Render(clean(string(seg.Value(d.src)))))
		}
	default:
		b.WriteString(d.inlines(n, st))
	}
}

// link draws a link's text (an image's, its description) and then its
// URL, as glamour did, or the URL alone when it is the text.
func (d *drawer) link(b *strings.Builder, n ast.Node, url string, st lipgloss.Style) {
	label := d.inlines(n, d.st.LinkText.Inherit(st))
	url = clean(url)
	switch plain := ansi.Strip(label); {
	case plain == "":
		b.WriteString(d.st.Link.Render(url))
	case plain == url || url == "":
		b.WriteString(label)
	default:
		b.WriteString(label + " " + d.st.Link.Render(url))
	}
}

// wrap wraps s, drawn text, to width, each line keeping the styles it
// carries on from the one before.
func wrap(s string, width int) []string {
	return strings.Split(lipgloss.Wrap(s, max(width, 1), ""), "\n")
}

// clean makes text from the source safe to draw on one line: a control
// character becomes U+FFFD, so that no escape sequence in a lesson
// reaches the terminal, and tabs and line breaks become spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return '\uFFFD'
		}
		return r
	}, s)
}

// cleanLine is clean for a line drawn as it is: its tabs become spaces up
// to the next multiple of 4 columns, and its line ending goes.
func cleanLine(s string) string {
	s = strings.TrimRight(s, "\r\n")
	if !strings.Contains(s, "\t") {
		return clean(s)
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 4 - col%4
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col += ansi.StringWidth(string(r))
	}
	return clean(b.String())
}
