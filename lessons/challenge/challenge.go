// Package challenge checks a lesson's challenges and words its drills'
// verdicts from what the wire tap saw, never from the text on a screen: a
// journey is summed up (which layers the request reached, which layer
// answered, the status, what each layer read and wrote, the hand-offs),
// and a challenge's checks are conditions on that summary.
package challenge

import (
	"fmt"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Challenge is a lesson's challenge with its checks compiled.
type Challenge struct {
	lessons.Challenge
	checks []Check
}

// New compiles c's checks.
func New(c lessons.Challenge) (*Challenge, error) {
	out := &Challenge{Challenge: c}
	for _, line := range c.Checks {
		ch, err := Compile(line)
		if err != nil {
			return nil, err
		}
		out.checks = append(out.checks, ch)
	}
	return out, nil
}

// CompileLesson compiles every challenge of l, or says where each one
// that cannot be is wrong, in line order.
func CompileLesson(l *lessons.Lesson) ([]*Challenge, error) {
	var out []*Challenge
	var errs []*lessons.Error
	for _, c := range l.Challenges {
		ch, err := New(c)
		if err != nil {
			errs = append(errs, &lessons.Error{File: l.Source, Line: c.Line, Msg: err.Error(), Err: err})
			continue
		}
		out = append(out, ch)
	}
	if err := lessons.InOrder(errs); err != nil {
		return nil, err
	}
	return out, nil
}

// SolvedBy reports whether the journey s sums up solves the challenge: it
// is over, settled, and meets every check.
func (c *Challenge) SolvedBy(s Summary) bool {
	return s.Answered && s.Settled && c.Met(s) == len(c.checks)
}

// Met returns how many of the checks the journey meets.
func (c *Challenge) Met(s Summary) int {
	n := 0
	for _, ch := range c.checks {
		if ch.Holds(s) {
			n++
		}
	}
	return n
}

// Checks returns how many checks the challenge has.
func (c *Challenge) Checks() int { return len(c.checks) }

// Solve returns the first journey of js that solves c, or nil.
func (c *Challenge) Solve(js []*trace.Journey) *trace.Journey {
	for _, j := range js {
		if c.SolvedBy(Summarize(j)) {
			return j
		}
	}
	return nil
}

// Hint returns the n-th hint (0-based) and whether there is one.
func (c *Challenge) Hint(n int) (string, bool) {
	if n < 0 || n >= len(c.Hints) {
		return "", false
	}
	return c.Hints[n], true
}

// String says the challenge in one line.
func (c *Challenge) String() string { return fmt.Sprintf("%s: %s", c.ID, c.Goal) }
