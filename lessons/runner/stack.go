package runner

import (
	"context"

	"github.com/ngw2f/ngw2f-lab/lessons"
)

// StartStack starts the lesson's stack for outside clients, without its
// exchanges: every layer the lesson starts, with the settings of its last
// start line, in the order of those lines. A layer the lesson stops on
// the way (to show what happens without it) runs all the same.
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
	for _, a := range order {
		if err := r.start(ctx, a.Args[0], a.Args[1:]); err != nil {
			return &lessons.Error{File: r.lesson.Source, Line: a.Line, Msg: err.Error()}
		}
	}
	return nil
}
