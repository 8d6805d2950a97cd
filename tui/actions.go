package tui

import (
	"fmt"
	"strings"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
)

// A step's lab blocks are the lesson's script, written in the lab's own
// little language (start rawsock, > GET / HTTP/1.0, expect read rawsock
// 16). The lesson panel shows them as what they do, in words, rather than
// as lines a learner would have to decode.

// stepMarkdown returns the markdown the lesson panel shows for step i:
// its narrative, and each lab block as a list of what the lab does.
func stepMarkdown(l *lessons.Lesson, i int) string {
	if len(l.Steps) == 0 {
		return l.Intro
	}
	s := l.Steps[i]
	parts := []string{fmt.Sprintf("## Step %d of %d: %s", i+1, len(l.Steps), s.Title)}
	if i == 0 && l.Intro != "" {
		parts = append([]string{l.Intro}, parts...)
	}
	for _, b := range s.Blocks {
		if b.Actions == nil {
			parts = append(parts, b.Prose)
			continue
		}
		parts = append(parts, labBlockMarkdown(b.Actions))
	}
	return strings.Join(parts, "\n\n")
}

// labBlockMarkdown says what a lab block does, one list item an action.
func labBlockMarkdown(actions []lessons.Action) string {
	lines := []string{"*What the lab does here:*", ""}
	for _, a := range actions {
		lines = append(lines, "- "+describeAction(a))
	}
	return strings.Join(lines, "\n")
}

// describeAction says in words what one action of a lab block does.
func describeAction(a lessons.Action) string {
	arg := func(i int) string {
		if i < len(a.Args) {
			return a.Args[i]
		}
		return ""
	}
	layer := "**" + arg(0) + "**"
	switch a.Verb {
	case lessons.Start:
		d := "starts " + layer
		if k, ok := kinds.Lookup(arg(0)); ok {
			d += ", " + k.Mirrors
		}
		if len(a.Args) > 1 {
			d += " (" + code(strings.Join(a.Args[1:], " ")) + ")"
		}
		return d
	case lessons.Stop:
		return "stops " + layer
	case lessons.Telnet:
		return "connects to " + layer + " with telnet"
	case lessons.Type:
		if arg(0) == "" {
			return "types an empty line: the end of the request's head"
		}
		return "types " + code(arg(0)) + " and enter (CR LF)"
	case lessons.Send:
		return fmt.Sprintf("sends %d bytes in one write: %s", len(a.Data), code(sendNotation(a.Data)))
	case lessons.Wait:
		return "waits for the answer"
	case lessons.Close:
		return "closes the connection, as telnet's close does"
	case lessons.Expect:
		if e, err := lessons.ParseExpectation(a.Args); err == nil {
			return "checks that " + escapeMarkdown(e.String())
		}
	case lessons.Explain:
		return explainWhat[arg(0)]
	case lessons.Try:
		return "hands you a telnet prompt on " + layer + " (ctrl+o lists ready-made requests)"
	case lessons.Drill:
		return fmt.Sprintf("hands you %d malformed requests to send to %s (ctrl+o lists them); it says which layer refuses each and why", len(a.Offers), layer)
	case lessons.Kill:
		return "kills a worker of " + layer + " with SIGKILL, and waits for its master to start another"
	case lessons.Signal:
		return fmt.Sprintf("sends %s's master the signal %s: %s", layer, arg(1), signalWhat[arg(1)])
	case lessons.Idle:
		return fmt.Sprintf("opens %s connections to %s that send nothing, and shows what they cost", arg(1), layer)
	case lessons.Measure:
		return fmt.Sprintf("sends %s %s requests for %s, one after another, and times them", layer, arg(1), code(arg(2)))
	case lessons.Trickle:
		return fmt.Sprintf("starts %s slow clients against %s, each sending a byte every 100 ms", arg(1), layer)
	case lessons.Spread:
		return fmt.Sprintf("sends %s %s requests for %s, 6 at a time, and counts which layer behind it served each", layer, arg(1), code(arg(2)))
	case lessons.Pause:
		return "lets " + arg(0) + " pass"
	}
	return code(a.Text())
}

// code quotes s as inline code, with a fence long enough for the
// backquotes it holds.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// escapeMarkdown makes s, plain text, read as itself in markdown: every
// ASCII punctuation mark is escaped with a backslash, as CommonMark
// allows for each (a quoted string's \" would otherwise lose its
// backslash).
func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(asciiPunctuation, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// asciiPunctuation is what CommonMark lets a backslash escape.
const asciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// explainWhat says what each explain action shows.
var explainWhat = map[string]string{
	"request":  "shows how the lab's HTTP reader parses the request, part by part",
	"response": "shows how the lab's HTTP reader parses the answer, part by part",
	"environ":  "shows the environ the app got, key by key, with what each key means",
	"packet":   "shows the uwsgi packet the request crossed a hop as, field by field",
}

// signalWhat says what each signal does to a pre-fork master.
var signalWhat = map[string]string{
	"TTIN": "one worker more",
	"TTOU": "one worker fewer",
	"HUP":  "new workers replace the old ones",
	"TERM": "stop gracefully",
	"INT":  "stop at once",
	"QUIT": "stop at once",
}
