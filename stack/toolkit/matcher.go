package toolkit

import (
	"slices"
	"strings"
)

// The matcher is Werkzeug 2.2's state machine: each state has static
// transitions (a segment's exact text) and dynamic ones (a regular
// expression), tried in that order, the dynamic ones by weight, with
// backtracking. A path is split at its slashes and walked segment by
// segment; a path converter's part takes all the segments left.

type state struct {
	static  map[string]*state
	dynamic []transition
	rules   []*Rule
}

type transition struct {
	part *rulePart
	next *state
}

func newState() *state { return &state{static: map[string]*state{}} }

// add files a compiled rule under the states its parts lead to.
func (s *state) add(r *Rule) {
	for _, p := range r.parts {
		if p.static {
			next, ok := s.static[p.content]
			if !ok {
				next = newState()
				s.static[p.content] = next
			}
			s = next
			continue
		}
		var next *state
		for _, t := range s.dynamic {
			if t.part.equal(p) {
				next = t.next
				break
			}
		}
		if next == nil {
			next = newState()
			s.dynamic = append(s.dynamic, transition{part: p, next: next})
		}
		s = next
	}
	s.rules = append(s.rules, r)
}

// sort orders every state's dynamic transitions by weight, keeping the
// order they were added in when weights tie.
func (s *state) sort() {
	slices.SortStableFunc(s.dynamic, func(a, b transition) int { return a.part.weight.compare(b.part.weight) })
	for _, n := range s.static {
		n.sort()
	}
	for _, t := range s.dynamic {
		t.next.sort()
	}
}

// matchResult is what one walk found.
type matchResult struct {
	rule          *Rule
	values        []string
	slashRequired bool            // the path matches with a trailing slash added
	haveMatchFor  map[string]bool // methods of rules that matched but for the method
}

type walker struct {
	method string
	res    *matchResult
}

// match walks the path's segments from s; it returns the rule and values
// found, or nil. A SlashRequired answer stops the walk.
func (w *walker) match(s *state, parts []string, values []string) (*Rule, []string) {
	if len(parts) == 0 {
		if r := w.takeRule(s.rules, false); r != nil {
			return r, values
		}
		if next, ok := s.static[""]; ok {
			for _, r := range next.rules {
				if r.methods == nil || r.methods[w.method] {
					if !r.RedirectSlash {
						w.res.slashRequired = true
						return nil, nil
					}
					return r, values
				}
			}
		}
		return nil, nil
	}
	if next, ok := s.static[parts[0]]; ok {
		if r, v := w.match(next, parts[1:], values); r != nil || w.res.slashRequired {
			return r, v
		}
	}
	for _, t := range s.dynamic {
		target, rest := parts[0], parts[1:]
		if t.part.final {
			target, rest = strings.Join(parts, "/"), nil
		}
		groups, ok := t.part.match(target)
		if !ok {
			continue
		}
		if r, v := w.match(t.next, rest, append(slices.Clip(values), groups...)); r != nil || w.res.slashRequired {
			return r, v
		}
	}
	if len(parts) == 1 && parts[0] == "" {
		if r := w.takeRule(s.rules, true); r != nil {
			return r, values
		}
	}
	return nil, nil
}

// takeRule returns the first rule that takes the method, noting the
// methods of those that do not; onlyLoose skips the strict-slash rules.
func (w *walker) takeRule(rules []*Rule, onlyLoose bool) *Rule {
	for _, r := range rules {
		if onlyLoose && !r.RedirectSlash {
			continue
		}
		if r.methods != nil && !r.methods[w.method] {
			if w.res.haveMatchFor == nil {
				w.res.haveMatchFor = map[string]bool{}
			}
			for m := range r.methods {
				w.res.haveMatchFor[m] = true
			}
			continue
		}
		return r
	}
	return nil
}

// walk matches one path from the root.
func (m *Map) walk(path, method string, res *matchResult) {
	w := walker{method: method, res: res}
	res.rule, res.values = w.match(m.root, strings.Split(path, "/"), nil)
}

// match matches a dynamic part against one segment (or, for a final part,
// the rest of the path), returning what its variables matched. A part that
// is one variable of the default or the int converter is matched without
// a regular expression: most parts are.
func (p *rulePart) match(target string) ([]string, bool) {
	switch p.content {
	case `([^/]{1,})\z`:
		return []string{target}, target != "" && !strings.Contains(target, "/")
	case `(\d+)\z`:
		for i := 0; i < len(target); i++ {
			if target[i] < '0' || target[i] > '9' {
				return nil, false
			}
		}
		return []string{target}, target != ""
	}
	m := p.re.FindStringSubmatch(target)
	if m == nil {
		return nil, false
	}
	return m[1:], true
}
