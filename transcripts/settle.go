package transcripts

import (
	"slices"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// settled returns j with the events that race put in one canonical order,
// so that a rerun prints the same journey. A layer that answers and then
// closes (a sync worker, after post_request) does so without waiting for
// anyone; meanwhile the layer in front, in another process, may already
// pass the answer on. Both orders happen; the transcript shows the
// closing layer's run first: each close moves up, with the events its
// process recorded since, to right after the answer it wrote on that
// connection. Events of one process never change places.
func settled(j *trace.Journey) *trace.Journey {
	evs := slices.Clone(j.Events)
	for i := 0; i < len(evs); i++ {
		if evs[i].Kind != trace.KindClose {
			continue
		}
		k := lastAnswer(evs[:i], evs[i].Conn)
		if k < 0 {
			continue
		}
		pid := evs[i].PID
		var own, others []trace.Event
		for _, e := range evs[k+1 : i+1] {
			if e.PID == pid {
				own = append(own, e)
			} else {
				others = append(others, e)
			}
		}
		copy(evs[k+1:], append(own, others...))
	}
	return &trace.Journey{ID: j.ID, Events: evs}
}

// lastAnswer returns the index of the last bytes sent up on conn, or -1.
func lastAnswer(evs []trace.Event, conn trace.ConnID) int {
	for k := len(evs) - 1; k >= 0; k-- {
		if evs[k].Conn == conn && evs[k].Kind == trace.KindBytes && evs[k].Dir == trace.Up {
			return k
		}
	}
	return -1
}
