package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Journeys are printed once complete and quiet for settleTime (the access
// log line comes right after the answer), or after quietTime without a
// new event, whatever they hold then.
const (
	settleTime = 30 * time.Millisecond
	quietTime  = 2 * time.Second
)

// follower reads a recorder's events as the layers record them, groups
// them into journeys and hands each event, or each completed journey, on.
type follower struct {
	sub       *trace.Subscription
	onEvent   func(e trace.Event, journey int)
	onJourney func(j *trace.Journey)
	// catchUp, when set, makes the layers whose events come from other
	// processes (the pre-fork server's workers) send what they hold, so
	// that a journey is handed on with their hops in it.
	catchUp func()

	asm     *trace.Assembler
	last    map[int]time.Time // journeys not handed on yet, and their last event
	printed map[int]bool
}

// run follows until ctx ends, then hands on what is left.
func (f *follower) run(ctx context.Context) {
	f.asm = trace.NewAssembler(0)
	f.last, f.printed = map[int]time.Time{}, map[int]bool{}
	tick := time.NewTicker(settleTime / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			f.read()
			f.flush(true)
			return
		case <-f.sub.Wait():
		case <-tick.C:
		}
		f.read()
		f.flush(false)
	}
}

// read files every waiting event.
func (f *follower) read() {
	for _, e := range f.sub.TryNext(0) {
		j := f.asm.Add(e)
		id := 0
		if j != nil {
			id = j.ID
			if !f.printed[id] {
				f.last[id] = time.Now()
			}
			e = filed(j, e)
		}
		if f.onEvent != nil {
			f.onEvent(e, id)
		}
	}
}

// filed returns e as the journey holds it, its hop's layers filled in.
func filed(j *trace.Journey, e trace.Event) trace.Event {
	for i := len(j.Events) - 1; i >= 0; i-- {
		if j.Events[i].Seq == e.Seq {
			return j.Events[i]
		}
	}
	return e
}

// flush hands on the journeys that are done; all of them at the end.
func (f *follower) flush(all bool) {
	ids := make([]int, 0, len(f.last))
	for id := range f.last {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	if f.catchUp != nil && f.anyDone(ids, all) {
		f.catchUp()
		f.read()
	}
	for _, id := range ids {
		if !f.due(id, all) {
			continue
		}
		delete(f.last, id)
		f.printed[id] = true
		if j := f.asm.Journey(id); j != nil && f.onJourney != nil {
			f.onJourney(j)
		}
	}
	if len(f.printed) > 4096 {
		f.printed = map[int]bool{} // journeys that old are gone from the assembler
	}
}

// anyDone reports whether a journey among ids is due to be handed on.
func (f *follower) anyDone(ids []int, all bool) bool {
	for _, id := range ids {
		if f.due(id, all) {
			return true
		}
	}
	return false
}

// due reports whether journey id is to be handed on: all of them at the
// end, one that is gone from the assembler, one quiet for quietTime, or
// one complete and quiet for settleTime.
func (f *follower) due(id int, all bool) bool {
	j := f.asm.Journey(id)
	quiet := time.Since(f.last[id])
	return j == nil || all || quiet >= quietTime || quiet >= settleTime && complete(j)
}

// complete reports whether the client has its whole answer: the front
// connection closed, or what came back is a whole answer by its own
// framing (an interim 100 Continue is not).
func complete(j *trace.Journey) bool {
	var req, resp []byte
	for _, e := range j.Events {
		if e.From != trace.ClientName {
			continue
		}
		switch {
		case e.Kind == trace.KindClose || e.Kind == trace.KindEOF:
			return true
		case e.Kind == trace.KindBytes && e.Dir == trace.Down:
			req = append(req, e.Data...)
		case e.Kind == trace.KindBytes && e.Dir == trace.Up:
			resp = append(resp, e.Data...)
		}
	}
	for bytes.HasPrefix(resp, []byte("HTTP/1.1 100 ")) {
		end := bytes.Index(resp, []byte("\r\n\r\n"))
		if end < 0 {
			return false
		}
		resp = resp[end+4:]
	}
	return http1.AnswerComplete(req, resp)
}

// jsonEvent is an event as --json prints it.
type jsonEvent struct {
	Seq        uint64        `json:"seq"`
	Time       time.Time     `json:"time"`
	Journey    int           `json:"journey,omitempty"`
	PID        int           `json:"pid"`
	Layer      string        `json:"layer"`
	Conn       string        `json:"conn,omitempty"`
	Kind       string        `json:"kind"`
	Dir        string        `json:"dir,omitempty"`
	Side       string        `json:"side,omitempty"`
	From       string        `json:"from,omitempty"`
	To         string        `json:"to,omitempty"`
	Name       string        `json:"name,omitempty"`
	Local      string        `json:"local,omitempty"`
	Remote     string        `json:"remote,omitempty"`
	Data       string        `json:"data,omitempty"`
	DataBase64 []byte        `json:"data_base64,omitempty"`
	Omitted    int64         `json:"omitted,omitempty"` // bytes that crossed but are not in data
	Fields     []trace.Field `json:"fields,omitempty"`
	Err        string        `json:"err,omitempty"`
}

// jsonPrinter prints each event as one JSON object a line. Bytes that
// are not UTF-8 text go in data_base64, so that none is lost.
func jsonPrinter(w io.Writer) func(trace.Event, int) {
	enc := json.NewEncoder(w)
	return func(e trace.Event, journey int) {
		je := jsonEvent{
			Seq: e.Seq, Time: e.Time, Journey: journey, PID: e.PID, Layer: e.Layer, Kind: e.Kind.String(),
			From: e.From, To: e.To, Name: e.Name, Local: e.Local, Remote: e.Remote, Omitted: e.Omitted,
			Fields: e.Fields, Err: e.Err,
		}
		if !e.Conn.IsZero() {
			je.Conn = e.Conn.String()
		}
		if e.Dir != 0 {
			je.Dir = e.Dir.String()
		}
		if e.Side != 0 {
			je.Side = e.Side.String()
		}
		if utf8.Valid(e.Data) {
			je.Data = string(e.Data)
		} else {
			je.DataBase64 = e.Data
		}
		_ = enc.Encode(je)
	}
}
