package challenge

import (
	"bytes"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Summary is what a journey shows about one request: what the client sent
// and got, which layers the request reached, which layer made the answer,
// and what each layer read and wrote.
type Summary struct {
	// Layers are the layers the request reached, the client first.
	Layers []string
	// Request is what the client sent; Answer what it got back.
	Request, Answer []byte
	// Status and Reason are the answer's status line; 0 and "" for an
	// answer without one (HTTP/0.9) or no answer.
	Status int
	Reason string
	// Origin is the layer that made the answer: the first one to send
	// anything back up. It is "" while nobody has answered.
	Origin string
	// Answered reports that the journey is over: the client has a whole
	// answer by its framing, or the connection ended.
	Answered bool
	// Settled reports that every layer the request was passed to has
	// reported what it wrote back: a layer in another process (a pre-fork
	// worker) sends its events on its own time, so a journey can be over
	// for the client before the worker's hops arrive. Judge a journey once
	// it is answered and settled.
	Settled bool
	// Reads and Writes are, by layer, the bytes the layer read on its way
	// down and wrote on its way back up.
	Reads, Writes map[string][]byte
	// Handoffs are the journey's structured hand-offs (environ,
	// start_response...), in order.
	Handoffs []trace.Event
	// Logs are the lines layers logged for the journey, in order.
	Logs []trace.Event
}

// Summarize reads a journey.
func Summarize(j *trace.Journey) Summary {
	s := Summary{Layers: j.Layers(), Reads: map[string][]byte{}, Writes: map[string][]byte{}}
	var front trace.ConnID
	ended := false
	var passed passedOn
	for _, e := range j.Events {
		passed.add(e)
		switch e.Kind {
		case trace.KindBytes:
			s.bytes(e, &front)
		case trace.KindHandoff:
			s.Handoffs = append(s.Handoffs, e)
			if e.Dir == trace.Up && s.Origin == "" {
				s.Origin = e.To
			}
		case trace.KindLog:
			s.Logs = append(s.Logs, e)
		case trace.KindClose, trace.KindEOF, trace.KindError:
			ended = ended || (!front.IsZero() && e.Conn == front)
		}
	}
	s.Status, s.Reason = statusLine(s.Request, s.Answer)
	s.Answered = ended || http1.AnswerComplete(s.Request, s.Answer)
	s.Settled = !j.Awaiting() && len(passed.open) == 0
	return s
}

// passedOn follows the connections between layers behind the client's
// (a proxy's to its upstream) that the journey has seen accepted: each is
// settled once the layer that accepted it has reported it, to its close.
// Those not seen accepted yet, the journey awaits (trace.Journey.Awaiting).
type passedOn struct {
	open map[trace.ConnID]bool // accepted ends not closed yet
}

func (p *passedOn) add(e trace.Event) {
	if e.From == trace.ClientName || e.From == "" || e.Layer != e.To || e.Kind == trace.KindHandoff || e.Kind == trace.KindLog {
		return
	}
	switch e.Kind {
	case trace.KindOpen:
		if p.open == nil {
			p.open = map[trace.ConnID]bool{}
		}
		p.open[e.Conn] = true
	case trace.KindClose, trace.KindError:
		delete(p.open, e.Conn)
	}
}

// bytes files one event of bytes, recorded by the layer that read or wrote
// them, so that each crossing counts once.
func (s *Summary) bytes(e trace.Event, front *trace.ConnID) {
	if e.Layer != e.To {
		return // the dialing side's copy of bytes its peer records too
	}
	if e.Dir == trace.Up && s.Origin == "" {
		s.Origin = e.To
	}
	if e.Dir == trace.Down {
		s.Reads[e.To] = append(s.Reads[e.To], e.Data...)
	} else {
		s.Writes[e.To] = append(s.Writes[e.To], e.Data...)
	}
	if e.From != trace.ClientName {
		return
	}
	*front = e.Conn
	if e.Dir == trace.Down {
		s.Request = append(s.Request, e.Data...)
	} else {
		s.Answer = append(s.Answer, e.Data...)
	}
}

// statusLine returns the status of answer, the response to request.
func statusLine(request, answer []byte) (int, string) {
	if len(answer) == 0 {
		return 0, ""
	}
	method, _ := http1.RequestMethod(request)
	resp, err := http1.NewReader(bytes.NewReader(answer), http1.NginxLimits()).ReadResponse(method)
	if err != nil {
		return 0, ""
	}
	return resp.Status, resp.Reason
}

// Field returns the value of key in the first hand-off named name that has
// it.
func (s Summary) Field(name, key string) (string, bool) {
	for _, h := range s.Handoffs {
		if h.Name != name {
			continue
		}
		for _, f := range h.Fields {
			if f.Key == key {
				return f.Value, true
			}
		}
	}
	return "", false
}

// Reached reports whether the request reached layer.
func (s Summary) Reached(layer string) bool {
	for _, l := range s.Layers {
		if l == layer {
			return true
		}
	}
	return false
}
