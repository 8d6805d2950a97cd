package challenge

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Check is one condition on a journey, compiled from a challenge's check
// line. The lines a check may say:
//
//	status 405                  the client got a 405
//	origin proxy                the proxy made the answer (origin none: nobody did)
//	reached app                 the request reached the layer app
//	answered                    the journey is over (every check implies it)
//	request proxy ~ REGEXP      the bytes proxy read match REGEXP
//	response proxy ~ REGEXP     the bytes proxy wrote back up match REGEXP
//	read proxy >= 1024          proxy read that many bytes (=, !=, <, <=, >, >=)
//	handoff environ KEY ~ RE    a hand-off named environ has KEY matching RE
//	not CHECK                   the check does not hold
//
// Regular expressions are Go's (RE2), matched anywhere in the bytes;
// \r and \n mean CR and LF.
type Check struct {
	text  string
	holds func(Summary) bool
}

// Compile reads one check line.
func Compile(line string) (Check, error) {
	line = strings.TrimSpace(line)
	if rest, ok := strings.CutPrefix(line, "not "); ok {
		inner, err := Compile(rest)
		if err != nil {
			return Check{}, err
		}
		return Check{text: line, holds: func(s Summary) bool { return !inner.holds(s) }}, nil
	}
	verb, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	holds, err := compileVerb(verb, rest)
	if err != nil {
		return Check{}, fmt.Errorf("challenge: check %q: %w", line, err)
	}
	return Check{text: line, holds: holds}, nil
}

func compileVerb(verb, rest string) (func(Summary) bool, error) {
	words := strings.Fields(rest)
	switch verb {
	case "status":
		code, err := strconv.Atoi(rest)
		if err != nil || code < 100 || code > 999 {
			return nil, fmt.Errorf("status wants a three-digit code")
		}
		return func(s Summary) bool { return s.Status == code }, nil
	case "origin":
		if len(words) != 1 {
			return nil, fmt.Errorf("usage: origin LAYER (or none)")
		}
		layer := words[0]
		if layer == "none" {
			layer = ""
		}
		return func(s Summary) bool { return s.Origin == layer }, nil
	case "reached":
		if len(words) != 1 {
			return nil, fmt.Errorf("usage: reached LAYER")
		}
		return func(s Summary) bool { return s.Reached(words[0]) }, nil
	case "answered":
		return func(s Summary) bool { return s.Answered }, nil
	case "request", "response":
		layer, re, err := matcher(rest, verb+" LAYER ~ REGEXP", 1)
		if err != nil {
			return nil, err
		}
		if verb == "request" {
			return func(s Summary) bool { return re.Match(s.Reads[layer[0]]) }, nil
		}
		return func(s Summary) bool { return re.Match(s.Writes[layer[0]]) }, nil
	case "handoff":
		names, re, err := matcher(rest, "handoff NAME KEY ~ REGEXP", 2)
		if err != nil {
			return nil, err
		}
		return func(s Summary) bool {
			v, ok := s.Field(names[0], names[1])
			return ok && re.MatchString(v)
		}, nil
	case "read":
		return compileRead(words)
	}
	return nil, fmt.Errorf("unknown check %q (want status, origin, reached, answered, request, response, read, handoff or not)", verb)
}

// matcher reads "WORD... ~ REGEXP" with n words before the ~.
func matcher(rest, usage string, n int) ([]string, *regexp.Regexp, error) {
	head, expr, ok := strings.Cut(rest, "~")
	words := strings.Fields(head)
	expr = strings.TrimSpace(expr)
	if !ok || len(words) != n || expr == "" {
		return nil, nil, fmt.Errorf("usage: %s", usage)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, nil, err
	}
	return words, re, nil
}

func compileRead(words []string) (func(Summary) bool, error) {
	if len(words) != 3 {
		return nil, fmt.Errorf("usage: read LAYER OP BYTES")
	}
	n, err := strconv.Atoi(words[2])
	if err != nil || n < 0 {
		return nil, fmt.Errorf("read wants a byte count, not %q", words[2])
	}
	cmp, ok := comparisons[words[1]]
	if !ok {
		return nil, fmt.Errorf("read wants one of = != < <= > >=, not %q", words[1])
	}
	layer := words[0]
	return func(s Summary) bool { return cmp(len(s.Reads[layer]), n) }, nil
}

var comparisons = map[string]func(a, b int) bool{
	"=":  func(a, b int) bool { return a == b },
	"!=": func(a, b int) bool { return a != b },
	"<":  func(a, b int) bool { return a < b },
	"<=": func(a, b int) bool { return a <= b },
	">":  func(a, b int) bool { return a > b },
	">=": func(a, b int) bool { return a >= b },
}

// Holds reports whether the check holds for the journey s sums up.
func (c Check) Holds(s Summary) bool { return c.holds(s) }

// String returns the check line.
func (c Check) String() string { return c.text }
