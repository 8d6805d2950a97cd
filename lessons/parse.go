package lessons

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Error is a problem in a lesson file, or in carrying out one of its
// lines, with where it is.
type Error struct {
	File string
	Line int
	Msg  string
	Err  error // the cause, when carrying out the line failed; may be nil
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errors are several problems of one lesson file, in line order: the
// lab reports every problem a file has at once, not one a run.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns each problem, for errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// InOrder returns the problems of errs, each a *Error, as one error in
// line order: the one *Error itself when there is one, Errors when there
// are several, nil for none.
func InOrder(errs []*Error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	es := slices.Clone(errs)
	slices.SortStableFunc(es, func(a, b *Error) int { return a.Line - b.Line })
	return Errors(es)
}

// Parse reads a lesson from src; file names it in errors. It reads the
// whole file, past a line it cannot read, and reports every problem it
// found, in line order.
func Parse(file string, src []byte) (*Lesson, error) {
	p := &parser{file: file, lesson: &Lesson{Source: file}}
	p.parse(src)
	if err := InOrder(p.errs); err != nil {
		return nil, err
	}
	return p.lesson, nil
}

type parser struct {
	file      string
	lesson    *Lesson
	line      int
	text      strings.Builder // narrative of the current part
	textL     int             // line the narrative of the current part starts on
	step      *Step           // nil while in the intro
	fence     string          // info string of the open fenced block, if any
	fenceL    int             // line the open fence started on
	fenceErrs int             // problems found before the open fence
	notes     strings.Builder
	errs      []*Error // every problem found
}

// note keeps a problem found, if err is one.
func (p *parser) note(err error) {
	var e *Error
	if errors.As(err, &e) {
		p.errs = append(p.errs, e)
	}
}

// offers reports whether a holds ready-made requests.
func offers(a *Action) bool { return a != nil && (a.Verb == Try || a.Verb == Drill) }

func (p *parser) errorf(format string, args ...any) error {
	return &Error{File: p.file, Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parse(src []byte) {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	if err := p.frontMatter(sc); err != nil {
		p.note(err) // what follows cannot be read without it
		return
	}
	for sc.Scan() {
		p.line++
		p.note(p.parseLine(strings.TrimRight(sc.Text(), "\r")))
	}
	if err := sc.Err(); err != nil {
		p.note(p.errorf("%v", err))
	}
	if p.fence != "" {
		p.line = p.fenceL
		p.note(p.errorf("```%s block is never closed", p.fence))
	}
	p.endPart()
	p.check()
}

func (p *parser) parseLine(line string) error {
	trimmed := strings.TrimSpace(line)
	if p.fence != "" {
		if trimmed == "```" {
			fence := p.fence
			p.fence = ""
			switch {
			case fence == "lab" && len(p.labBlock().Actions) == 0 && len(p.errs) == p.fenceErrs: // not when its lines were wrong
				return p.errorf("an empty lab block")
			case fence == "challenge":
				return p.endChallenge()
			}
			return nil
		}
		return p.fenced(line)
	}
	if rest, ok := strings.CutPrefix(trimmed, "```"); ok && (rest == "lab" || rest == "notes" || rest == "challenge") {
		switch rest {
		case "challenge":
			p.lesson.Challenges = append(p.lesson.Challenges, Challenge{Line: p.line})
		case "lab":
			if p.step == nil {
				return p.errorf("a lab block before the first step (a \"## \" heading)")
			}
			p.endProse()
			p.step.Blocks = append(p.step.Blocks, Block{Actions: []Action{}, Line: p.line})
		}
		p.fence, p.fenceL, p.fenceErrs = rest, p.line, len(p.errs)
		return nil
	}
	if title, ok := strings.CutPrefix(line, "## "); ok {
		p.endPart()
		p.lesson.Steps = append(p.lesson.Steps, Step{Title: strings.TrimSpace(title), Line: p.line})
		p.step = &p.lesson.Steps[len(p.lesson.Steps)-1]
		return nil
	}
	if p.text.Len() == 0 {
		p.textL = p.line
	}
	p.text.WriteString(line)
	p.text.WriteByte('\n')
	return nil
}

// labBlock returns the lab block being read.
func (p *parser) labBlock() *Block { return &p.step.Blocks[len(p.step.Blocks)-1] }

// fenced handles one line inside a lab or notes block.
func (p *parser) fenced(line string) error {
	switch p.fence {
	case "notes":
		p.notes.WriteString(line)
		p.notes.WriteByte('\n')
		return nil
	case "challenge":
		return p.challengeLine(line)
	}
	a, err := p.action(line)
	if err != nil || a == nil {
		return err
	}
	return p.add(*a)
}

// add appends an action to the current step, attaching offers and their
// typed lines to the Try they belong to.
func (p *parser) add(a Action) error {
	acts := &p.labBlock().Actions
	var last *Action
	if n := len(*acts); n > 0 {
		last = &(*acts)[n-1]
	}
	switch {
	case a.Verb == OfferVerb:
		if !offers(last) {
			return p.errorf("offer outside a try or a drill")
		}
		last.Offers = append(last.Offers, Offer{Label: strings.Join(a.Args, " ")})
		return nil
	case (a.Verb == Type || a.Verb == Send) && offers(last):
		if len(last.Offers) == 0 {
			return p.errorf("a request in a %s needs an offer line before it (offer LABEL)", last.Verb)
		}
		o := &last.Offers[len(last.Offers)-1]
		if (a.Verb == Send && (o.Data != nil || len(o.Lines) > 0)) || (a.Verb == Type && o.Data != nil) {
			return p.errorf("an offer is either typed lines or one send, not both")
		}
		if a.Verb == Send {
			o.Data = a.Data
		} else {
			o.Lines = append(o.Lines, a.Args[0])
		}
		return nil
	}
	*acts = append(*acts, a)
	return nil
}

// endProse stores the narrative gathered so far in the intro or as a block
// of the step.
func (p *parser) endProse() {
	text := strings.TrimSpace(p.text.String())
	p.text.Reset()
	switch {
	case p.step == nil:
		p.lesson.Intro = text
	case text != "":
		p.step.Blocks = append(p.step.Blocks, Block{Prose: text, Line: p.textL})
	}
}

// endPart ends the intro or a step.
func (p *parser) endPart() {
	p.endProse()
	if p.step != nil {
		p.step.Notes = strings.TrimSpace(p.notes.String())
		p.notes.Reset()
	}
}

// action parses one line of a lab block; it returns nil for a blank line or
// a comment.
func (p *parser) action(line string) (*Action, error) {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return nil, nil
	}
	a := &Action{Line: p.line}
	if rest, ok := strings.CutPrefix(trimmed, ">"); ok {
		a.Verb = Type
		a.Args = []string{strings.TrimPrefix(rest, " ")}
		return a, nil
	}
	verb, rest, _ := strings.Cut(trimmed, " ")
	a.Verb = Verb(verb)
	rest = strings.TrimSpace(rest)
	if a.Verb == Send {
		data, err := parseBytes(rest)
		if err != nil {
			return nil, p.errorf("send: %v", err)
		}
		a.Data = data
		return a, nil
	}
	a.Args = strings.Fields(rest)
	if err := checkArgs(a); err != nil {
		return nil, p.errorf("%v", err)
	}
	return a, nil
}

// arity is how many words each verb takes: at least min, at most max
// (-1 for any).
var arity = map[Verb][2]int{
	Start: {1, -1}, Stop: {1, 1}, Telnet: {1, 1}, Wait: {0, 0}, Close: {0, 0},
	Expect: {1, -1}, Explain: {1, 1}, Try: {1, 1}, Drill: {1, 1}, OfferVerb: {1, -1},
	Kill: {1, 1}, Signal: {2, 2}, Idle: {2, 2}, Measure: {3, 3}, Trickle: {2, 2}, Spread: {3, 3},
	Pause: {1, 1},
}

// signals are the names a signal action may send, as gunicorn's master
// handles them.
var signals = []string{"TTIN", "TTOU", "HUP", "TERM", "INT", "QUIT"}

// maxMeasure bounds the requests a measure action sends: the machine
// may be shared, and the lesson waits for them.
const maxMeasure = 1000

// maxTrickle bounds the slow clients a trickle action starts.
const maxTrickle = 100

// maxPause bounds the time a pause action lets pass: a lesson is
// stepped through live, and its tests step through it too.
const maxPause = 10 * time.Second

// maxIdle bounds the connections an idle action opens: the lab holds
// both ends of each, and the file descriptors are finite.
const maxIdle = 5000

func checkArgs(a *Action) error {
	n, ok := arity[a.Verb]
	if !ok {
		return fmt.Errorf("unknown action %q (want one of start, stop, telnet, >, send, wait, close, expect, explain, try, drill, offer, kill, signal, idle, measure, trickle, spread, pause)", a.Verb)
	}
	switch {
	case len(a.Args) < n[0]:
		return fmt.Errorf("%s needs %d argument(s)", a.Verb, n[0])
	case n[1] >= 0 && len(a.Args) > n[1]:
		return fmt.Errorf("%s takes at most %d argument(s), got %d", a.Verb, n[1], len(a.Args))
	}
	if a.Verb == Explain && !slices.Contains([]string{"request", "response", "environ", "packet"}, a.Args[0]) {
		return fmt.Errorf("explain takes request, response, environ or packet, not %q", a.Args[0])
	}
	if a.Verb == Signal && !slices.Contains(signals, a.Args[1]) {
		return fmt.Errorf("signal %s: %q is not a signal the master handles (want one of %s)", a.Args[0], a.Args[1], strings.Join(signals, ", "))
	}
	if a.Verb == Expect {
		return checkExpect(a.Args)
	}
	if a.Verb == Measure || a.Verb == Spread {
		if n, err := strconv.Atoi(a.Args[1]); err != nil || n < 1 || n > maxMeasure {
			return fmt.Errorf("%s wants a number of requests from 1 to %d, not %q", a.Verb, maxMeasure, a.Args[1])
		}
		if !strings.HasPrefix(a.Args[2], "/") {
			return fmt.Errorf("%s wants a target that starts with /, not %q", a.Verb, a.Args[2])
		}
	}
	if a.Verb == Trickle {
		if n, err := strconv.Atoi(a.Args[1]); err != nil || n < 1 || n > maxTrickle {
			return fmt.Errorf("trickle wants a number of slow clients from 1 to %d, not %q", maxTrickle, a.Args[1])
		}
	}
	if a.Verb == Pause {
		if d, err := time.ParseDuration(a.Args[0]); err != nil || d <= 0 || d > maxPause {
			return fmt.Errorf("pause wants a time above 0 and up to %s, as 2.5s, not %q", maxPause, a.Args[0])
		}
	}
	if a.Verb == Idle {
		if n, err := strconv.Atoi(a.Args[1]); err != nil || n < 1 || n > maxIdle {
			return fmt.Errorf("idle wants a number of connections from 1 to %d, not %q", maxIdle, a.Args[1])
		}
	}
	return nil
}

// parseBytes reads the argument of send: Go-quoted strings joined by +,
// each optionally repeated with *N, as "GET / HTTP/1.0\r\n" + "a"*1500.
func parseBytes(s string) ([]byte, error) {
	var out []byte
	for {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, fmt.Errorf("want a quoted string")
		}
		prefix, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, fmt.Errorf("want a Go-quoted string at %q", s)
		}
		part, _ := strconv.Unquote(prefix)
		s = strings.TrimSpace(s[len(prefix):])
		times := 1
		if rest, ok := strings.CutPrefix(s, "*"); ok {
			rest = strings.TrimSpace(rest)
			end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
			if end < 0 {
				end = len(rest)
			}
			times, err = strconv.Atoi(rest[:end])
			if err != nil || times < 0 || times > maxRepeat {
				return nil, fmt.Errorf("want a count from 0 to %d after *", maxRepeat)
			}
			s = strings.TrimSpace(rest[end:])
		}
		out = append(out, strings.Repeat(part, times)...)
		if s == "" {
			return out, nil
		}
		rest, ok := strings.CutPrefix(s, "+")
		if !ok {
			return nil, fmt.Errorf("want + between strings, not %q", s)
		}
		s = rest
	}
}

// check validates what only the whole lesson shows.
func (p *parser) check() {
	l := p.lesson
	p.line = 1
	if l.Number <= 0 {
		p.note(p.errorf("front matter needs number: N (a positive whole number)"))
	}
	if l.Title == "" {
		p.note(p.errorf("front matter needs title:"))
	}
	if l.Slug == "" {
		p.note(p.errorf("front matter needs slug:"))
	}
	if !l.Planned && len(l.Steps) == 0 && len(p.errs) == 0 { // else a step was likely what went wrong
		p.note(p.errorf("a lesson needs at least one step (a \"## \" heading); a lesson not written yet says status: planned"))
	}
}
