package transcripts

import (
	"slices"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// settleOrder returns j with a fixed order for the events that race. A
// process other than the front layer's (a pre-fork worker behind the
// proxy) goes on after its last write: it closes the body and the
// connection while the proxy, which needs only Content-Length bytes,
// answers the client. nginx and gunicorn race the same way. The Assembler
// files such events by time, so two runs can differ; a transcript puts
// them right after that process's last write, the deeper layer first.
// Everything else keeps its place. j itself is not changed.
func settleOrder(j *trace.Journey) *trace.Journey {
	if len(j.Events) == 0 {
		return j
	}
	front := j.Events[0].PID
	out := *j
	out.Events = append([]trace.Event(nil), j.Events...)
	for _, pid := range otherPIDs(j, front) {
		out.Events = pullUp(out.Events, pid)
	}
	return &out
}

// otherPIDs lists the processes other than front that recorded events
// in j, in the order they first did.
func otherPIDs(j *trace.Journey, front int) []int {
	var pids []int
	seen := map[int]bool{front: true}
	for _, e := range j.Events {
		if !seen[e.PID] {
			seen[e.PID] = true
			pids = append(pids, e.PID)
		}
	}
	return pids
}

// pullUp moves pid's events that follow its last bytes event to just
// after it, in their order.
func pullUp(events []trace.Event, pid int) []trace.Event {
	last := -1
	for i, e := range events {
		if e.PID == pid && e.Kind == trace.KindBytes {
			last = i
		}
	}
	if last < 0 {
		return events
	}
	var mine, others []trace.Event
	for _, e := range events[last+1:] {
		if e.PID == pid {
			mine = append(mine, e)
		} else {
			others = append(others, e)
		}
	}
	out := append(events[:last+1:last+1], mine...)
	return append(out, others...)
}
func TestSettleOrder(t *testing.T) {
	t.Parallel()
	const lab, worker, other = 10, 20, 30
	ev := func(pid int, kind trace.Kind, name string) trace.Event {
		return trace.Event{PID: pid, Kind: kind, Name: name}
	}
	tests := []struct {
		name string
		in   []trace.Event
		want []string
	}{{
		name: "the worker's closes come after the proxy's answer",
		in: []trace.Event{
			ev(lab, trace.KindBytes, "request"), ev(worker, trace.KindBytes, "upstream answer"),
			ev(lab, trace.KindBytes, "answer"), ev(lab, trace.KindLog, "access log"),
			ev(worker, trace.KindHandoff, "body close"), ev(worker, trace.KindClose, "worker close"),
			ev(lab, trace.KindClose, "proxy close"),
		},
		want: []string{"request", "upstream answer", "body close", "worker close", "answer", "access log", "proxy close"},
	}, {
		name: "already in order",
		in: []trace.Event{
			ev(lab, trace.KindBytes, "request"), ev(worker, trace.KindBytes, "upstream answer"),
			ev(worker, trace.KindClose, "worker close"), ev(lab, trace.KindBytes, "answer"),
		},
		want: []string{"request", "upstream answer", "worker close", "answer"},
	}, {
		name: "one process: nothing moves",
		in: []trace.Event{
			ev(worker, trace.KindBytes, "request"), ev(worker, trace.KindHandoff, "environ"),
			ev(worker, trace.KindBytes, "answer"), ev(worker, trace.KindClose, "close"),
		},
		want: []string{"request", "environ", "answer", "close"},
	}, {
		name: "a process that wrote nothing stays where it is",
		in: []trace.Event{
			ev(lab, trace.KindBytes, "request"), ev(other, trace.KindLog, "log"), ev(lab, trace.KindBytes, "answer"),
		},
		want: []string{"request", "log", "answer"},
	}, {
		name: "empty",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := &trace.Journey{ID: 1, Events: slices.Clone(tt.in)}
			got := settleOrder(j)
			var names []string
			for _, e := range got.Events {
				names = append(names, e.Name)
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("order %q, want %q", names, tt.want)
			}
			if !slices.EqualFunc(j.Events, tt.in, func(a, b trace.Event) bool { return a.Name == b.Name }) {
				t.Error("the journey given was changed")
			}
		})
	}
}
