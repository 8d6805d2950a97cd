package toolkit

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/internal/lazy"
)

// Rule is one URL rule of a Map: a pattern such as "/user/<int:id>", the
// endpoint it names, and the methods it takes (nil for any method).
type Rule struct {
	Pattern  string
	Endpoint string
	// Methods the rule takes; nil means any. When GET is there, HEAD is
	// added, as Werkzeug does.
	Methods []string
	// RedirectSlash, when true, lets "/docs" match a rule "/docs/" with
	// no redirect: Werkzeug's strict_slashes=False.
	RedirectSlash bool

	methods    map[string]bool
	parts      []*rulePart
	converters []ruleVar
	trace      []traceItem // the pattern's pieces, for building URLs
	arguments  map[string]bool
}

// NewRule returns a rule; Map.Add checks and compiles it.
func NewRule(pattern, endpoint string, methods ...string) *Rule {
	return &Rule{Pattern: pattern, Endpoint: endpoint, Methods: methods}
}

// ruleVar is a variable of a rule and its converter.
type ruleVar struct {
	name string
	conv Converter
}

// traceItem is a static piece of a pattern or a variable's name.
type traceItem struct {
	variable bool
	text     string
}

// rulePart is one segment of a pattern between slashes (or, from a path
// converter on, the rest of it): static text, or a regular expression
// with a group per variable. Parts equal in all fields share a state of
// the matcher.
type rulePart struct {
	content string
	final   bool // a path converter: the part takes the rest of the URL
	static  bool
	weight  weighting
	re      *regexp.Regexp
}

func (p *rulePart) equal(q *rulePart) bool {
	return p.content == q.content && p.final == q.final && p.static == q.static && p.weight.compare(q.weight) == 0
}

// weighting orders the dynamic parts a matcher tries, as Werkzeug's
// Weighting tuple: more static pieces first, then longer ones, then more
// variables, then lighter converters.
type weighting struct {
	numStatic int      // minus the number of static pieces
	static    [][2]int // (index, minus length) of each static piece
	numArgs   int      // minus the number of variables
	args      []int    // the converters' weights
}

func (w weighting) compare(o weighting) int {
	if c := cmpInt(w.numStatic, o.numStatic); c != 0 {
		return c
	}
	if c := slices.CompareFunc(w.static, o.static, func(a, b [2]int) int {
		if c := cmpInt(a[0], b[0]); c != 0 {
			return c
		}
		return cmpInt(a[1], b[1])
	}); c != 0 {
		return c
	}
	if c := cmpInt(w.numArgs, o.numArgs); c != 0 {
		return c
	}
	return slices.Compare(w.args, o.args)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// partRE finds the next piece of a pattern: a slash, static text, or a
// variable <converter(arguments):name>.
var partRE = lazy.Regexp(`^(?:(/)|([^</]+)|<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\((.*?)\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>)`)

// compile parses the pattern into parts, as Werkzeug's Rule._parse_rule.
func (r *Rule) compile(convs map[string]ConverterFactory, mergeSlashes bool) error {
	if !strings.HasPrefix(r.Pattern, "/") {
		return fmt.Errorf("toolkit: rule %q: urls must start with a leading slash", r.Pattern)
	}
	r.setMethods()
	r.parts, r.converters, r.trace, r.arguments = nil, nil, nil, map[string]bool{}
	pattern := r.Pattern
	if mergeSlashes {
		pattern = mergeDoubleSlashes(pattern)
	}
	var b partBuilder
	for pos := 0; pos < len(pattern); {
		m := partRE().FindStringSubmatchIndex(pattern[pos:])
		if m == nil {
			return fmt.Errorf("toolkit: malformed url rule: %q", r.Pattern)
		}
		group := func(i int) (string, bool) {
			if m[2*i] < 0 {
				return "", false
			}
			return pattern[pos+m[2*i] : pos+m[2*i+1]], true
		}
		if text, ok := group(2); ok {
			b.addStatic(text)
			r.trace = append(r.trace, traceItem{text: text})
		}
		if name, ok := group(5); ok {
			convName, _ := group(3)
			argText, _ := group(4)
			conv, err := newConverter(convs, convName, argText)
			if err != nil {
				return fmt.Errorf("toolkit: rule %q: %w", r.Pattern, err)
			}
			if r.arguments[name] {
				return fmt.Errorf("toolkit: rule %q: variable name %q used twice", r.Pattern, name)
			}
			r.converters = append(r.converters, ruleVar{name, conv})
			r.arguments[name] = true
			b.addVariable(conv)
			r.trace = append(r.trace, traceItem{variable: true, text: name})
		}
		if _, ok := group(1); ok {
			r.trace = append(r.trace, traceItem{text: "/"})
			if p := b.slash(); p != nil {
				r.parts = append(r.parts, p)
			}
		}
		pos += m[1]
	}
	r.parts = append(r.parts, b.end())
	for _, p := range r.parts {
		if !p.static {
			p.re = regexp.MustCompile(`^(?:` + p.content + `)`)
		}
	}
	return nil
}

// setMethods upper-cases the methods, adds HEAD to GET, and orders them
// as RFC 9110 lists them.
func (r *Rule) setMethods() {
	if r.Methods == nil {
		r.methods = nil
		return
	}
	r.methods = map[string]bool{}
	for _, m := range r.Methods {
		r.methods[strings.ToUpper(m)] = true
	}
	if r.methods["GET"] {
		r.methods["HEAD"] = true
	}
	r.Methods = OrderMethods(r.methods)
}

// methodOrder is the order of RFC 9110 (and PATCH, RFC 5789): the order
// the lab lists methods in, where Werkzeug lists a Python set.
var methodOrder = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}

// OrderMethods lists a set of methods in RFC 9110's order, other methods
// after them in alphabetical order.
func OrderMethods(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for _, m := range methodOrder {
		if set[m] {
			out = append(out, m)
		}
	}
	var rest []string
	for m := range set {
		if !slices.Contains(methodOrder, m) {
			rest = append(rest, m)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// mergeDoubleSlashes replaces each "//" with "/", left to right, as
// Werkzeug's re.sub("/{2,}?", "/", path): "///" becomes "//".
func mergeDoubleSlashes(s string) string {
	if !strings.Contains(s, "//") {
		return s
	}
	return strings.ReplaceAll(s, "//", "/")
}

// partBuilder gathers one part of a pattern.
type partBuilder struct {
	content string
	dynamic bool
	final   bool
	static  [][2]int
	args    []int
}

func (b *partBuilder) addStatic(text string) {
	b.static = append(b.static, [2]int{len(b.static), -len(text)})
	if b.dynamic {
		b.content += regexp.QuoteMeta(text)
	} else {
		b.content += text
	}
}

func (b *partBuilder) addVariable(c Converter) {
	if !b.dynamic {
		b.content = regexp.QuoteMeta(b.content)
		b.dynamic = true
	}
	if !c.PartIsolating() {
		b.final = true
	}
	b.content += "(" + c.Regexp() + ")"
	b.args = append(b.args, c.Weight())
}

// slash ends the part at a slash, unless a path converter takes the rest.
func (b *partBuilder) slash() *rulePart {
	if b.final {
		b.content += "/"
		return nil
	}
	p := b.end()
	*b = partBuilder{}
	return p
}

func (b *partBuilder) end() *rulePart {
	content := b.content
	if b.dynamic {
		content += `\z`
	}
	return &rulePart{
		content: content, final: b.final, static: !b.dynamic,
		weight: weighting{numStatic: -len(b.static), static: b.static, numArgs: -len(b.args), args: b.args},
	}
}

// newConverter makes the converter a variable names, with its arguments.
func newConverter(convs map[string]ConverterFactory, name, argText string) (Converter, error) {
	if name == "" {
		name = "default"
	}
	f, ok := convs[name]
	if !ok {
		return nil, fmt.Errorf("the converter %q does not exist", name)
	}
	args, kwargs := parseConverterArgs(argText)
	return f(args, kwargs)
}

// parseConverterArgs reads "1, max=9, 'a b'" into positional and keyword
// arguments, quotes taken off strings.
func parseConverterArgs(s string) (args []string, kwargs map[string]string) {
	kwargs = map[string]string{}
	for _, item := range splitArgs(s) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if k, v, ok := strings.Cut(item, "="); ok && isIdent(strings.TrimSpace(k)) {
			kwargs[strings.TrimSpace(k)] = unquoteArg(strings.TrimSpace(v))
			continue
		}
		args = append(args, unquoteArg(item))
	}
	return args, kwargs
}

// splitArgs splits at commas outside quotes.
func splitArgs(s string) []string {
	var out []string
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func unquoteArg(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
