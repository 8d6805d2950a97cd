package lessons

import "strings"

// challengeLine reads one "key: value" line of a ```challenge block.
func (p *parser) challengeLine(line string) error {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return nil
	}
	c := &p.lesson.Challenges[len(p.lesson.Challenges)-1]
	key, value, ok := strings.Cut(trimmed, ":")
	value = strings.TrimSpace(value)
	if !ok || value == "" {
		return p.errorf("challenge line %q is not key: value", trimmed)
	}
	switch strings.TrimSpace(key) {
	case "id":
		c.ID = value
	case "goal":
		c.Goal = value
	case "check":
		c.Checks = append(c.Checks, value)
	case "hint":
		c.Hints = append(c.Hints, value)
	default:
		return p.errorf("unknown challenge key %q (want id, goal, check, hint)", key)
	}
	return nil
}

// endChallenge checks the challenge block just closed.
func (p *parser) endChallenge() error {
	c := p.lesson.Challenges[len(p.lesson.Challenges)-1]
	at := p.line
	p.line = c.Line
	defer func() { p.line = at }()
	switch {
	case c.ID == "":
		return p.errorf("a challenge needs id:")
	case c.Goal == "":
		return p.errorf("challenge %s needs goal:", c.ID)
	case len(c.Checks) == 0:
		return p.errorf("challenge %s needs at least one check:", c.ID)
	}
	for _, o := range p.lesson.Challenges[:len(p.lesson.Challenges)-1] {
		if o.ID == c.ID {
			return p.errorf("a second challenge with id %s", c.ID)
		}
	}
	return nil
}
