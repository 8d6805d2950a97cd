package runner

import (
	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// OutputKind says what an Output is.
type OutputKind int

const (
	// OutLesson opens the lesson: Text is its title line.
	OutLesson OutputKind = iota + 1
	// OutStep opens a step: Text is its title; Step its index.
	OutStep
	// OutProse is the lesson's narrative, markdown.
	OutProse
	// OutCommand is a command as the learner would type it ("telnet
	// localhost 8000").
	OutCommand
	// OutScreen is text a telnet session shows, as it arrives.
	OutScreen
	// OutInfo is a line from the lab itself: a layer started, stopped.
	OutInfo
	// OutCheck is an expectation's verdict: OK says whether it held.
	OutCheck
	// OutExplain is a line of an explanation of a message.
	OutExplain
	// OutJourney is a finished journey.
	OutJourney
	// OutEnd closes the lesson: Text sums it up.
	OutEnd
	// OutTry hands the learner a telnet prompt, when the runner is
	// interactive: Layer is the layer to connect to, Addr where it
	// listens, Offers the ready-made requests; Drill says they are a
	// drill's malformed ones.
	OutTry
	// OutVerdict says which layer refused a drill's request and why.
	OutVerdict
	// OutLog is a line a layer logged that belongs to no request, such as
	// a pre-fork server's hook firing: Layer is the layer, Text the line.
	OutLog
	// OutTurn is a try described rather than handed over, when the runner
	// is not interactive (nobody types at it: a transcript, a talk):
	// Layer, Addr and Offers are the try's.
	OutTurn
)

// Output is one piece of what a lesson shows as it runs.
type Output struct {
	Kind    OutputKind
	Step    int // index of the step it belongs to
	Text    string
	OK      bool
	Journey *trace.Journey
	Layer   string          // for OutTry, OutTurn and OutLog
	Addr    string          // for OutTry and OutTurn
	Offers  []lessons.Offer // for OutTry and OutTurn
	Drill   bool            // for OutTry
}
