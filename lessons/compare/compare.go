// Package compare runs a lesson's scripted requests twice, once through
// the lab's own layers and once through the real programs they stand for
// (nginx, gunicorn, Flask...), and says hop by hop what differs: the
// status or request line, the header names in their order and case,
// their values, the body, and the hand-offs inside the app server.
//
// Values that differ by nature (Date, ports, PIDs, Server's product
// token, ETag and Last-Modified) are normalised before they are compared,
// and the report says which were. Each hop gets a verdict; a hop that
// differs comes with both sides' bytes.
//
// It is ngw2f-lab compare, and the interop tests of the lab use it to hold
// its layers to the real programs.
//
// NOTES:
//   - The lab's journeys go on past the gateway (the toolkit's and the
//     framework's hand-offs); the real Flask is seen from its WSGI
//     middleware only, so those hops show as the lab's alone.
//   - Two closes that race (nginx closing its upstream connection as
//     gunicorn closes it) end a hop in either order: the end of a
//     connection compares as one row, whoever closed first.
package compare

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/real"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Options say how to run the comparison.
type Options struct {
	// Listen is the host the layers listen on; empty means 127.0.0.1.
	// Both runs use free ports.
	Listen string
	// Programs are the real programs; nil finds them on PATH.
	Programs *real.Programs
	// Prefork, when set, reports whether the pre-fork server runs here
	// (runner.Host.Prefork).
	Prefork func() error
	// Progress, when set, is told what runs, a line at a time.
	Progress func(string)
}

// Run runs lesson l on the lab's layers, then on the real programs, and
// compares the journeys of its scripted requests.
func Run(ctx context.Context, l *lessons.Lesson, opts Options) (*Report, error) {
	if err := real.Supported(); err != nil {
		return nil, err
	}
	if opts.Programs == nil {
		opts.Programs = real.NewPrograms(real.Paths{})
	}
	lab, err := runOnce(ctx, l, opts, &runner.Host{Prefork: opts.Prefork}, "the lab's layers")
	if err != nil {
		return nil, err
	}
	realRun, err := runOnce(ctx, l, opts, &runner.Host{Prefork: opts.Prefork, Real: opts.Programs}, "the real programs")
	if err != nil {
		return nil, err
	}
	r := &Report{Lesson: l, Layers: realRun.layers, OnLab: realRun.onLab}
	for step := range l.Steps {
		r.Journeys = append(r.Journeys, pairJourneys(step, lab.journeys[step], realRun.journeys[step])...)
	}
	return r, nil
}

// run is what one run of a lesson showed.
type run struct {
	journeys map[int][]*trace.Journey // by step
	layers   []string                 // "proxy: the real nginx/1.22.1, /usr/sbin/nginx"
	onLab    []string                 // why a layer ran on the lab's own
}

// runOnce runs every step of l on host and keeps its journeys.
func runOnce(ctx context.Context, l *lessons.Lesson, opts Options, host *runner.Host, what string) (*run, error) {
	if opts.Progress != nil {
		opts.Progress(fmt.Sprintf("running lesson %d on %s", l.Number, what))
	}
	var mu sync.Mutex
	out := &run{journeys: map[int][]*trace.Journey{}}
	r, err := runner.New(l, runner.Options{
		Listen: opts.Listen, Host: host, MeasureAtMost: 5, AnswerTimeout: 3 * time.Second,
		Out: func(o runner.Output) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case o.Kind == runner.OutJourney:
				out.journeys[o.Step] = append(out.journeys[o.Step], o.Journey)
			case o.Kind == runner.OutInfo && strings.Contains(o.Text, " is listening on "):
				name, rest, _ := strings.Cut(o.Text, " is listening on ")
				if _, mirrors, ok := strings.Cut(rest, "), "); ok && !hasLayer(out.layers, name) {
					out.layers = append(out.layers, name+": "+mirrors)
				}
			case o.Kind == runner.OutInfo && strings.Contains(o.Text, "runs on the lab's own layer instead"):
				out.onLab = append(out.onLab, o.Text)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	if err := r.Live(); err != nil {
		r.Close()
		return nil, err
	}
	for i := range l.Steps {
		if err := r.RunStep(ctx, i); err != nil {
			r.Close()
			var lerr *lessons.Error
			if errors.As(err, &lerr) {
				err = errors.New(lerr.Msg)
			}
			return nil, fmt.Errorf("lesson %d on %s: step %d: %w", l.Number, what, i+1, err)
		}
	}
	if err := r.Close(); err != nil {
		return nil, fmt.Errorf("lesson %d on %s: %w", l.Number, what, err)
	}
	return out, nil
}

func hasLayer(layers []string, name string) bool {
	for _, l := range layers {
		if strings.HasPrefix(l, name+": ") {
			return true
		}
	}
	return false
}

// Report is a comparison of a lesson's journeys.
type Report struct {
	Lesson *lessons.Lesson
	// Layers says what ran on the real side, a layer a line.
	Layers []string
	// OnLab says which layers ran on the lab's own on the real side too,
	// and why (a program missing, none for CGI).
	OnLab    []string
	Journeys []*JourneyPair
}

// JourneyPair is one scripted request's journey on each side, and its
// hops compared.
type JourneyPair struct {
	Step      int // index of the lesson's step
	Request   string
	Lab, Real *trace.Journey // nil when that side had none
	Rows      []*Row
}

// Counts returns how many rows got each verdict.
func (r *Report) Counts() map[Verdict]int {
	n := map[Verdict]int{}
	for _, j := range r.Journeys {
		for _, row := range j.Rows {
			n[row.Verdict]++
		}
	}
	return n
}

// pairJourneys pairs the journeys a step made on each side, in order: a
// journey whose first request differs from the other side's next one is
// taken as one side's alone.
func pairJourneys(step int, lab, realJs []*trace.Journey) []*JourneyPair {
	var out []*JourneyPair
	i, k := 0, 0
	for i < len(lab) || k < len(realJs) {
		switch {
		case i < len(lab) && k < len(realJs) && firstRequest(lab[i]) == firstRequest(realJs[k]):
			out = append(out, pair(step, lab[i], realJs[k]))
			i, k = i+1, k+1
		case i < len(lab) && (k >= len(realJs) || !later(realJs[k:], firstRequest(lab[i]))):
			out = append(out, pair(step, lab[i], nil))
			i++
		default:
			out = append(out, pair(step, nil, realJs[k]))
			k++
		}
	}
	return out
}

// later reports whether one of js begins with request.
func later(js []*trace.Journey, request string) bool {
	for _, j := range js {
		if firstRequest(j) == request {
			return true
		}
	}
	return false
}

// firstRequest returns what the client sent first in j.
func firstRequest(j *trace.Journey) string {
	for _, h := range j.Hops() {
		if h.Kind == trace.KindBytes && h.Dir == trace.Down && h.From == trace.ClientName {
			return string(h.Data())
		}
	}
	return ""
}

func pair(step int, lab, realJ *trace.Journey) *JourneyPair {
	p := &JourneyPair{Step: step, Lab: lab, Real: realJ}
	j := lab
	if j == nil {
		j = realJ
	}
	p.Request, _, _ = strings.Cut(firstRequest(j), "\n")
	p.Request = strings.TrimSuffix(p.Request, "\r")
	p.Rows = compareJourneys(lab, realJ)
	return p
}
