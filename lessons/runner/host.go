package runner

import (
	"fmt"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/real"
)

// Host is the system the lab runs on, as far as which layers it can run.
// A nil *Host is this system; tests set its checks to run the lab as it
// runs on another (Windows, where the pre-fork server does not).
type Host struct {
	// Prefork reports whether the pre-fork server runs here: nil when it
	// does, else why not. Nil means prefork.Supported.
	Prefork func() error
	// Real, when set, starts the real program each layer mirrors (nginx,
	// gunicorn, uWSGI, Python's servers; ngw2f-lab --real) where this
	// machine has it, and the lab's own layer where it does not.
	Real *real.Programs
}

// programs returns the real programs to start, or nil for the lab's
// layers.
func (h *Host) programs() *real.Programs {
	if h == nil {
		return nil
	}
	return h.Real
}

// Runs reports whether a layer of kind k runs on h: nil when it does, else
// why not.
func (h *Host) Runs(k kinds.Kind) error {
	if !k.Prefork {
		return nil
	}
	if h == nil || h.Prefork == nil {
		return prefork.Supported()
	}
	return h.Prefork()
}

// Live reports whether lesson l runs live on h: nil when every layer its
// steps start runs here, else a *NotLiveError. A lesson that does not run
// live plays its recorded run instead, whole: its steps build on each
// other.
func (h *Host) Live(l *lessons.Lesson) error {
	var starts []lessons.Action
	for _, s := range l.Steps {
		for _, a := range s.Actions() {
			if a.Verb == lessons.Start {
				starts = append(starts, a)
			}
		}
	}
	return h.runsAll(l.Number, starts)
}

// runsAll returns a *NotLiveError for the first of the start lines of
// lesson n whose layer does not run on h, or nil.
func (h *Host) runsAll(n int, starts []lessons.Action) error {
	for _, a := range starts {
		k, ok := kinds.Lookup(a.Args[0])
		if !ok {
			continue // New reports it
		}
		if err := h.Runs(k); err != nil {
			return &NotLiveError{Lesson: n, Layer: k.Name, Err: err}
		}
	}
	return nil
}

// NotLiveError says that a lesson, or its stack, cannot run live on this
// system, and why.
type NotLiveError struct {
	Lesson int    // the lesson's number
	Layer  string // the first layer it starts that does not run here
	Err    error  // why that layer does not run here
}

func (e *NotLiveError) Error() string {
	return fmt.Sprintf("lesson %d starts %s, which does not run here: %v", e.Lesson, e.Layer, e.Err)
}

func (e *NotLiveError) Unwrap() error { return e.Err }

// Notice is the one line that says the lesson plays its recorded run on
// this system, and why.
func (e *NotLiveError) Notice() string {
	return fmt.Sprintf("Lesson %d plays its recorded run here: %v.", e.Lesson, e.Err)
}
