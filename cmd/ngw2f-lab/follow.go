package main

import (
	"bytes"
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

// maxJourneys and maxJourneyBytes bound the journeys the follower's
// Assembler holds: a journey it lets go is handed on first, complete or
// not. Journeys are handed on within settleTime of their end, so a few
// megabytes hold those in flight at thousands of requests a second.
const (
	maxJourneys     = 1000
	maxJourneyBytes = 4 << 20
)

// follower reads a recorder's events as the layers record them, groups
// them into journeys and hands each event, or each completed journey and
// each log line outside any journey, on. It never drops a journey without
// saying so: one the Assembler is about to let go is handed on as it
// stands, and events the ring dropped before the follower read them (it
// fell behind) are counted and told.
type follower struct {
	sub       *trace.Subscription
	onEvent   func(e trace.Event, journey int)
	onJourney func(j *trace.Journey)
	// onLog takes a log line that no journey holds: the master's and the
	// workers' lives, a layer's own errors.
	onLog func(e trace.Event)
	// onMissed takes how many more events the ring dropped before the
	// follower read them.
	onMissed func(n uint64)
	// catchUp, when set, makes the layers whose events come from other
	// processes (the pre-fork server's workers) send what they hold, so
	// that a journey is handed on with their hops in it.
	catchUp func()
	// onIdle, when set, is called each time the follower has handed on
	// all it can for now.
	onIdle func()

	asm     *trace.Assembler
	buf     []trace.Event
	last    map[int]time.Time // journeys not handed on yet, and their last event
	printed map[int]bool
	checked map[int]int // journeys found incomplete, and how many events they had then
	missed  uint64      // events the ring dropped, as told so far
}

// start follows in a goroutine of its own. The function it returns stops
// it, once what is left has been handed on.
func (f *follower) start() (stop func()) {
	done, followed := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(followed)
		f.run(done)
	}()
	return func() {
		close(done)
		<-followed
	}
}

// run follows until done is closed, then hands on what is left.
func (f *follower) run(done <-chan struct{}) {
	f.asm = trace.NewAssembler(maxJourneys)
	f.asm.MaxBytes = maxJourneyBytes
	f.asm.OnDrop = f.dropping
	f.asm.Reuse = true // a journey is handed on, and printed, before it is let go
	f.buf = make([]trace.Event, 1024)
	f.last, f.printed, f.checked = map[int]time.Time{}, map[int]bool{}, map[int]int{}
	tick := time.NewTicker(settleTime / 3)
	defer tick.Stop()
	for {
		select {
		case <-done:
			f.read()
			f.flush(true)
			f.idle()
			return
		case <-f.sub.Wait():
		case <-tick.C:
		}
		f.read()
		f.flush(false)
		f.idle()
	}
}

func (f *follower) idle() {
	if f.onIdle != nil {
		f.onIdle()
	}
}

// read files every waiting event.
func (f *follower) read() {
	for {
		n := f.sub.TryRead(f.buf)
		if m := f.sub.Missed(); m > f.missed {
			if f.onMissed != nil {
				f.onMissed(m - f.missed)
			}
			f.missed = m
		}
		if n == 0 {
			return
		}
		for _, e := range f.buf[:n] {
			f.file(e)
		}
	}
}

// file adds one event to its journey and hands it on.
func (f *follower) file(e trace.Event) {
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
	if j == nil && e.Kind == trace.KindLog && f.onLog != nil {
		f.onLog(e)
	}
}

// dropping hands on journey j, which the Assembler is letting go, if it
// was not yet: no event comes for it any more.
func (f *follower) dropping(j *trace.Journey) {
	if _, waiting := f.last[j.ID]; waiting {
		f.handOn(j)
	}
	delete(f.printed, j.ID)
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
		if _, waiting := f.last[id]; waiting && f.due(id, all) {
			f.hand(id)
		}
	}
}

// hand hands journey id on, as it stands.
func (f *follower) hand(id int) {
	if j := f.asm.Journey(id); j != nil {
		f.handOn(j)
		return
	}
	delete(f.last, id)
	delete(f.checked, id)
}

func (f *follower) handOn(j *trace.Journey) {
	delete(f.last, j.ID)
	delete(f.checked, j.ID)
	f.printed[j.ID] = true
	if f.onJourney != nil {
		f.onJourney(j)
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
// one complete and quiet for settleTime. A journey found incomplete is
// looked at again only once it has more events.
func (f *follower) due(id int, all bool) bool {
	j := f.asm.Journey(id)
	quiet := time.Since(f.last[id])
	switch {
	case j == nil || all || quiet >= quietTime:
		return true
	case quiet < settleTime || f.checked[id] == len(j.Events):
		return false
	case complete(j):
		return true
	}
	f.checked[id] = len(j.Events)
	return false
}

// complete reports whether the client has its whole answer: the front
// connection closed, or what came back is a whole answer by its own
// framing (an interim 100 Continue is not). Of the request, only its
// first line counts.
func complete(j *trace.Journey) bool {
	var req, resp []byte
	for _, e := range j.Events {
		if e.From != trace.ClientName {
			continue
		}
		switch {
		case e.Kind == trace.KindClose || e.Kind == trace.KindEOF:
			return true
		case e.Kind == trace.KindBytes && e.Dir == trace.Down && bytes.IndexByte(req, '\n') < 0:
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
