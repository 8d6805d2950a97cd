package tui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/transcripts"
)

// A lesson screen plays a lesson's recorded run, step by step, instead of
// running it, when the lesson cannot run here at all (it starts a layer
// this system lacks: the pre-fork server, on Windows), or, in a talk, once
// a step has failed live. Each step then shows what it printed when it was
// recorded, marked REPLAY with the reason.

// playRecorded makes the screen play the lesson's recorded run from the
// start when it does not run live on this system, and says so, once, in
// one line.
func (m *lessonScreen) playRecorded() {
	var nl *runner.NotLiveError
	if !errors.As(m.lab.r.Live(), &nl) {
		return
	}
	m.replay = nl.Err.Error()
	m.status = nl.Notice()
	m.prompt.add(lineNotice, nl.Notice())
}

// replayStep shows step i's recorded run in the console.
func (m *lessonScreen) replayStep(i int) {
	l := m.lab.lesson
	m.selected = i
	m.text.Select(i)
	m.text.SetState(i, stepDone)
	m.ran[i] = true
	p := &m.prompt
	p.flushScreen()
	rec, err := transcripts.RecordedStep(l.ID(), i)
	if err != nil {
		p.add(lineFailed, "REPLAY unavailable: "+err.Error())
		return
	}
	p.add(lineFailed, fmt.Sprintf("── REPLAY of step %d, as recorded (%s) ──", i+1, m.replay))
	for _, line := range strings.Split(rec, "\n") {
		// The narrative is on screen already; the recording's own lines
		// are what the lab showed, indented.
		if shown, ok := strings.CutPrefix(line, "    "); ok {
			p.add(lineExplain, shown)
		}
	}
	p.out.Bottom()
	m.status = "replaying the recorded run: " + m.replay
}

// fallbackReason says in one line why a step plays its recording.
func fallbackReason(err error) string {
	var busy *stack.PortBusyError
	var lerr *lessons.Error
	switch {
	case errors.As(err, &busy):
		return fmt.Sprintf("%s could not start: %s is taken by another program", busy.Layer, busy.Addr)
	case errors.As(err, &lerr):
		return lerr.Msg
	}
	return err.Error()
}
