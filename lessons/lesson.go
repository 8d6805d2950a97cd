package lessons

import (
	"fmt"
	"strconv"
	"strings"
)

// Lesson is one lesson of the lab.
type Lesson struct {
	Number  int
	Slug    string // short name, used in file names ("http")
	Title   string
	Talk    string // the talk's section it follows ("3) HTTP")
	Minute  string // where that section starts in the talk ("2:30")
	Summary string // one line for the lesson list
	Planned bool   // announced but not written yet
	Intro   string // markdown before the first step
	Steps   []Step
	// Challenges are the tasks set at the end of the lesson, checked
	// against the journeys of the learner's own requests.
	Challenges []Challenge
	Source     string // file the lesson was read from
}

// Challenge is a task for the learner, read from a ```challenge block:
//
//	id: own-forwarded-for
//	goal: Make the app see a value of your own in HTTP_X_FORWARDED_FOR.
//	check: handoff environ HTTP_X_FORWARDED_FOR ~ ,
//	hint: The proxy adds to a header the client already sent.
//
// It is solved by one journey that meets every check; lessons/challenge
// says what a check may say.
type Challenge struct {
	ID     string
	Goal   string
	Checks []string
	Hints  []string
	Line   int // line of the block in the source
}

// ID returns the lesson's file-style name, as "01-http".
func (l *Lesson) ID() string { return fmt.Sprintf("%02d-%s", l.Number, l.Slug) }

// Step is one step of a lesson: a heading, then narrative and lab blocks
// in the order the file has them.
type Step struct {
	Title  string
	Blocks []Block
	Notes  string // speaker notes
	Line   int    // line of the heading in the source
}

// Block is a stretch of narrative or one lab block.
type Block struct {
	Prose   string   // markdown; empty for a lab block
	Actions []Action // a lab block's actions; nil for narrative
	Line    int      // first line in the source
}

// Text returns the step's narrative as markdown, each lab block shown as a
// fenced block of the lines it carries out.
func (s Step) Text() string {
	var parts []string
	for _, b := range s.Blocks {
		if b.Actions == nil {
			parts = append(parts, b.Prose)
			continue
		}
		lines := []string{"```lab"}
		for _, a := range b.Actions {
			lines = append(lines, a.Lines()...)
		}
		parts = append(parts, strings.Join(append(lines, "```"), "\n"))
	}
	return strings.Join(parts, "\n\n")
}

// Actions returns every action of the step, in order.
func (s Step) Actions() []Action {
	var out []Action
	for _, b := range s.Blocks {
		out = append(out, b.Actions...)
	}
	return out
}

// ChangesStack reports whether the step starts or stops a layer: such a
// step runs once, as its layers are then already up, or already gone.
func (s Step) ChangesStack() bool {
	for _, a := range s.Actions() {
		if a.Verb == Start || a.StopsLayer() {
			return true
		}
	}
	return false
}

// StopsLayer reports whether the action stops a layer: stop, or a signal
// that makes a master exit (TERM, INT, QUIT).
func (a Action) StopsLayer() bool {
	if a.Verb == Stop {
		return true
	}
	return a.Verb == Signal && len(a.Args) > 1 && (a.Args[1] == "TERM" || a.Args[1] == "INT" || a.Args[1] == "QUIT")
}

// Verb is what an action does.
type Verb string

// The verbs a lab block may use.
const (
	Start   Verb = "start"
	Stop    Verb = "stop"
	Telnet  Verb = "telnet"
	Type    Verb = ">"
	Send    Verb = "send"
	Wait    Verb = "wait"
	Close   Verb = "close"
	Expect  Verb = "expect"
	Explain Verb = "explain"
	Try     Verb = "try"
	Drill   Verb = "drill"
	Kill    Verb = "kill"
	Signal  Verb = "signal"
	Idle    Verb = "idle"
	Measure Verb = "measure"
	Trickle Verb = "trickle"
	Spread  Verb = "spread"
	Pause   Verb = "pause"
	// OfferVerb starts a ready-made request inside a Try; it is not an
	// action of its own.
	OfferVerb Verb = "offer"
)

// Action is one line of a lab block.
type Action struct {
	Verb   Verb
	Args   []string // words after the verb; for Type, the typed line
	Data   []byte   // for Send: the bytes to send
	Offers []Offer  // for Try: the ready-made requests
	Line   int      // line in the source
}

// Offer is a ready-made request a Try or a Drill action offers: a label,
// and the lines to type or the exact bytes to send.
type Offer struct {
	Label string
	Lines []string
	Data  []byte // set by a send line: sent as it is, in one write
}

// Lines returns the action as the lines of a lab block, a Try or a Drill
// with its offers.
func (a Action) Lines() []string {
	lines := []string{a.Text()}
	for _, o := range a.Offers {
		lines = append(lines, "offer "+o.Label)
		for _, l := range o.Lines {
			lines = append(lines, Action{Verb: Type, Args: []string{l}}.Text())
		}
		if o.Data != nil {
			lines = append(lines, Action{Verb: Send, Data: o.Data}.Text())
		}
	}
	return lines
}

// Text returns the action as a lab block line would say it.
func (a Action) Text() string {
	switch a.Verb {
	case Type:
		if len(a.Args) == 0 || a.Args[0] == "" {
			return ">"
		}
		return "> " + a.Args[0]
	case Send:
		return "send " + quoteBytes(a.Data)
	}
	return strings.TrimSpace(string(a.Verb) + " " + strings.Join(a.Args, " "))
}

// minRun is how many of one byte in a row quoteBytes writes as a repeat;
// maxRepeat is the most a send line may repeat a string.
const (
	minRun    = 16
	maxRepeat = 1 << 20
)

// quoteBytes writes data as a send line's argument: Go-quoted strings
// joined by +, a long run of one byte as "b"*8200, so that a padded
// request reads as it was written.
func quoteBytes(data []byte) string {
	var parts []string
	start := 0
	for i := 0; i < len(data); {
		j := i
		for j < len(data) && data[j] == data[i] && j-i < maxRepeat {
			j++
		}
		if j-i >= minRun {
			if start < i {
				parts = append(parts, strconv.Quote(string(data[start:i])))
			}
			parts = append(parts, fmt.Sprintf("%q*%d", data[i:i+1], j-i))
			start = j
		}
		i = j
	}
	if start < len(data) || len(parts) == 0 {
		parts = append(parts, strconv.Quote(string(data[start:])))
	}
	return strings.Join(parts, " + ")
}
