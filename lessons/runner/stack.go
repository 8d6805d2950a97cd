package runner

import (
	"cmp"
	"context"
	"slices"

	"github.com/ngw2f/ngw2f-lab/lessons"
)

// StartStack starts the lesson's stack for outside clients, without its
// exchanges: every layer the lesson starts, with the settings of its last
// start line, in the order of those lines, the front layer last, so that
// what it passes requests to already listens when it starts. A layer the
// lesson stops on the way (to show what happens without it) runs all the
// same.
func (r *Runner) StartStack(ctx context.Context) error {
	var order []lessons.Action
	for _, s := range r.lesson.Steps {
		for _, a := range s.Actions() {
			if a.Verb != lessons.Start {
				continue
			}
			for i, prev := range order {
				if prev.Args[0] == a.Args[0] {
					order = append(order[:i], order[i+1:]...)
					break
				}
			}
			order = append(order, a)
		}
	}
	slices.SortStableFunc(order, func(a, b lessons.Action) int {
		return cmp.Compare(r.isFront(a), r.isFront(b))
	})
	for _, a := range order {
		if err := r.start(ctx, a.Args[0], a.Args[1:]); err != nil {
			return &lessons.Error{File: r.lesson.Source, Line: a.Line, Msg: err.Error()}
		}
	}
	return nil
}

// isFront is 1 for a start line of the lesson's front layer, 0 for any
// other, to sort the front layer last.
func (r *Runner) isFront(a lessons.Action) int {
	if a.Args[0] == r.frontName {
		return 1
	}
	return 0
}
