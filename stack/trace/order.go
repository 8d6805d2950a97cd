package trace

import (
	"slices"
)

// add files e in the journey in the order things happened. Events reach
// the recorder in the order they were recorded, except those that a worker
// process sends over a pipe, which can come after what happened next in
// the lab's process: those are put back in their place by their time. One
// process's events never change places.
func (j *Journey) add(e *Event) {
	i := len(j.Events)
	for i > 0 && e.before(&j.Events[i-1]) {
		i--
	}
	if i == len(j.Events) {
		j.Events = append(j.Events, *e) // the usual case: no events to move
		return
	}
	j.Events = slices.Insert(j.Events, i, *e)
}

// before reports whether e happened before f: by time when they come
// from different processes, else in the order they were recorded.
func (e *Event) before(f *Event) bool {
	if e.PID != f.PID && !e.Time.IsZero() && !f.Time.IsZero() {
		return e.Time.Before(f.Time)
	}
	return e.Seq < f.Seq
}

// inOrder reports whether events are in the order before says. Filing
// puts each event in its place, so they nearly always are, and checking
// in place costs less than sorting, whose comparison takes the events by
// value.
func inOrder(events []Event) bool {
	for i := 1; i < len(events); i++ {
		if events[i].before(&events[i-1]) {
			return false
		}
	}
	return true
}

// compareEvents orders events as before does, for slices.SortStableFunc
// (which, unlike sort.SliceStable, allocates nothing).
func compareEvents(e, f Event) int {
	switch {
	case e.before(&f):
		return -1
	case f.before(&e):
		return 1
	}
	return 0
}
