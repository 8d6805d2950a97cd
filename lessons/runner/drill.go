package runner

import (
	"context"
	"fmt"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
)

// drill carries out a "break it" drill. An interactive runner hands the
// malformed requests to its user to send, as a Try. Otherwise each is sent
// on a connection of its own, and the verdict says which layer refused it
// and why, read from the request's journey.
func (r *Runner) drill(ctx context.Context, a lessons.Action) error {
	layer := a.Args[0]
	l := r.stack.Get(layer)
	if l == nil {
		return fmt.Errorf("drill %s: %s is not running (start it first)", layer, layer)
	}
	if r.opts.Interactive {
		r.out(Output{Kind: OutTry, Layer: layer, Addr: l.Addr().String(), Offers: a.Offers, Drill: true})
		return nil
	}
	for _, o := range a.Offers {
		r.out(Output{Kind: OutInfo, Text: "break it: " + o.Label})
		if err := r.sendOffer(ctx, layer, o); err != nil {
			return err
		}
		if err := r.finishExchange(ctx); err != nil {
			return err
		}
		r.out(Output{Kind: OutVerdict, Text: r.drillVerdict()})
		if err := r.closeSession(ctx); err != nil {
			return err
		}
	}
	return nil
}

// sendOffer opens a connection to layer and sends an offer on it.
func (r *Runner) sendOffer(ctx context.Context, layer string, o lessons.Offer) error {
	if err := r.telnet(ctx, layer); err != nil {
		return err
	}
	if o.Data != nil {
		return r.send(o.Data)
	}
	for _, line := range o.Lines {
		if err := r.typeLine(ctx, line); err != nil {
			return err
		}
	}
	return nil
}

// drillVerdict words what happened to the last exchange's request.
func (r *Runner) drillVerdict() string {
	x := r.exchange
	if x == nil || len(x.journeys) == 0 {
		return "the tap saw no journey for this request"
	}
	s := challenge.Summarize(x.journeys[len(x.journeys)-1])
	v := challenge.Verdict(s)
	if len(s.Layers) > 1 {
		front := s.Layers[1]
		if read := len(s.Reads[front]); read < len(x.sent) {
			v += fmt.Sprintf("; %s read %d of the %d bytes sent", front, read, len(x.sent))
		}
	}
	return v
}
