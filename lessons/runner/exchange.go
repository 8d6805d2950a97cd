package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/telnet"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// exchange is one request sent on the telnet connection and what came
// back for it.
type exchange struct {
	sent     []byte
	received []byte
	ended    bool  // the server ended the connection
	endErr   error // nil for a clean close, else the reset
	journeys []*trace.Journey
}

// finishExchange waits for the answer to what the session sent, lets the
// tap catch up, and reports the journeys that made it. It does nothing
// when nothing was sent since the last answer.
func (r *Runner) finishExchange(ctx context.Context) error {
	s := r.session
	if s == nil || len(r.sent) == 0 {
		return nil
	}
	got := r.awaitAnswer(ctx, r.receivedSoFar)
	ended, endErr := s.Ended()
	r.receivedSoFar += len(got)
	if err := r.flushLayers(ctx); err != nil { // worker processes' events first
		return err
	}
	r.syncTap(r.receivedSoFar, ended)
	x := &exchange{sent: r.sent, received: got, ended: ended, endErr: endErr, journeys: r.newJourneys()}
	r.exchange, r.sent = x, nil
	if endErr != nil {
		r.out(Output{Kind: OutInfo, Text: fmt.Sprintf(
			"the connection did not end with a clean close but with a reset (%s)", telnet.ReadReason(endErr))})
	}
	for _, j := range x.journeys {
		r.out(Output{Kind: OutJourney, Journey: j})
	}
	r.showLogs()
	return nil
}

// awaitAnswer waits until the server closed the connection, or sent a
// complete answer to the request, or fell silent for the answer timeout.
func (r *Runner) awaitAnswer(ctx context.Context, from int) []byte {
	deadline := time.NewTimer(r.opts.AnswerTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	wasHeld := false
	for {
		got := r.session.Received()[from:]
		if http1.AnswerComplete(r.sent, got) {
			r.awaitPromisedClose(ctx, got)
			return r.session.Received()[from:]
		}
		select {
		case <-r.session.Done():
			return r.session.Received()[from:]
		case <-deadline.C:
			// While the presenter holds the request, wait on; once it is
			// let through, the layers get a whole answer timeout again.
			held := len(r.opts.Gate.Held()) > 0
			if held || wasHeld {
				wasHeld = held
				deadline.Reset(r.opts.AnswerTimeout)
				continue
			}
			return got
		case <-ctx.Done():
			return got
		case <-tick.C:
		}
	}
}

// closeGrace bounds the wait for a close that an answer announced.
const closeGrace = time.Second

// awaitPromisedClose waits, briefly, for the server to close a connection
// whose complete answer said it would (Connection: close), so that the
// close shows where it happens and not a moment later.
func (r *Runner) awaitPromisedClose(ctx context.Context, answer []byte) {
	if !AnnouncesClose(answer) {
		return
	}
	t := time.NewTimer(closeGrace)
	defer t.Stop()
	select {
	case <-r.session.Done():
	case <-t.C:
	case <-ctx.Done():
	}
}

// frontTracker follows the front layer's side of the telnet connection in
// the tap, to know when the tap has caught up with what the client saw.
type frontTracker struct {
	remote string // the telnet client's address, as the layer sees it
	conn   trace.ConnID
	down   int  // bytes the layer read from the client
	up     int  // bytes the layer wrote to the client
	closed bool // the layer closed the connection
}

func (f *frontTracker) watch(remote string) { *f = frontTracker{remote: remote} }

func (f *frontTracker) see(e trace.Event) {
	if e.Kind == trace.KindOpen && e.Side == trace.Server && e.Remote == f.remote {
		f.conn = e.Conn
		return
	}
	if f.conn.IsZero() || e.Conn != f.conn {
		return
	}
	switch {
	case e.Kind == trace.KindBytes && e.Dir == trace.Down:
		f.down += len(e.Data) + int(e.Omitted)
	case e.Kind == trace.KindBytes && e.Dir == trace.Up:
		f.up += len(e.Data) + int(e.Omitted)
	case e.Kind == trace.KindClose:
		f.closed = true
	}
}

// pump moves the events waiting in the subscription into the assembler.
func (r *Runner) pump() {
	for _, e := range r.sub.TryNext(0) {
		r.front.see(e)
		r.asm.Add(e)
		r.background(e)
	}
}

// syncTap waits, at most a second, until the tap has recorded every byte
// the client received and, when the server closed, the close.
func (r *Runner) syncTap(received int, serverClosed bool) {
	deadline := time.Now().Add(time.Second)
	for {
		r.pump()
		if r.front.up >= received && (!serverClosed || r.front.closed) {
			return
		}
		if time.Now().After(deadline) {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// settle paces typing as a person types: after a line is sent, it waits
// until the front layer has read everything sent so far, then gives the
// layer a moment to answer before the next line goes out. An answer that
// starts in that moment is waited for until it is complete or the server
// closes, so a server that answers before the request is finished is
// caught, as it would be with a person at the keyboard.
func (r *Runner) settle(ctx context.Context, sentTotal int) {
	deadline := time.Now().Add(time.Second)
	for r.pump(); r.front.down < sentTotal && time.Now().Before(deadline); r.pump() {
		time.Sleep(time.Millisecond)
	}
	pause := time.NewTimer(r.opts.TypingPause)
	defer pause.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		got := r.session.Received()[r.receivedSoFar:]
		if len(got) > 0 && http1.AnswerComplete(r.sent, got) {
			r.awaitPromisedClose(ctx, got)
			return
		}
		select {
		case <-r.session.Done():
			return
		case <-ctx.Done():
			return
		case <-pause.C:
			if len(got) == 0 {
				return
			}
			pause.Reset(r.opts.AnswerTimeout)
		case <-tick.C:
		}
	}
}

// newJourneys returns copies of the journeys not reported yet.
func (r *Runner) newJourneys() []*trace.Journey {
	var out []*trace.Journey
	for _, j := range r.asm.Journeys() {
		if j.ID <= r.printed {
			continue
		}
		r.printed = j.ID
		c := *j
		c.Events = append([]trace.Event(nil), j.Events...)
		out = append(out, &c)
	}
	return out
}

// layerRead sums the request bytes layer read in the given journeys.
func layerRead(js []*trace.Journey, layer string) int {
	n := 0
	for _, j := range js {
		for _, e := range j.Events {
			if e.Kind == trace.KindBytes && e.Dir == trace.Down && e.Layer == layer {
				n += len(e.Data) + int(e.Omitted)
			}
		}
	}
	return n
}
