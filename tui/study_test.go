package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// studyJourney is a finished request from client to rawsock.
func studyJourney(id int, client, request string) *trace.Journey {
	conn := trace.ConnID{PID: 1, N: uint64(id)}
	return &trace.Journey{ID: id, Events: []trace.Event{
		{Kind: trace.KindOpen, Side: trace.Server, Conn: conn, Layer: "rawsock", Remote: client},
		{Kind: trace.KindBytes, Dir: trace.Down, Conn: conn, Layer: "rawsock", From: trace.ClientName, To: "rawsock", Data: []byte(request)},
		{Kind: trace.KindBytes, Dir: trace.Up, Conn: conn, Layer: "rawsock", From: trace.ClientName, To: "rawsock", Data: []byte("HTTP/1.1 200 OK\n\nhi\n")},
		{Kind: trace.KindClose, Conn: conn, Layer: "rawsock"},
	}}
}

func TestStudyCheck(t *testing.T) {
	t.Parallel()
	c, err := challenge.New(lessons.Challenge{ID: "brew", Goal: "Brew.", Checks: []string{"request rawsock ~ ^BREW"}})
	if err != nil {
		t.Fatal(err)
	}
	s := &study{challenges: []*challenge.Challenge{c}, solved: map[string]bool{}, hints: map[string]int{},
		seen: map[int]bool{}, looked: map[int]int{}, unsettled: map[int]time.Time{}}
	scripted := func(a string) bool { return a == "script:1" }
	ready := func(a string) bool { return a == "ready:1" }
	js := []*trace.Journey{
		studyJourney(1, "script:1", "BREW / HTTP/1.0\r\n\r\n"),
		studyJourney(2, "ready:1", "BREW / HTTP/1.0\r\n\r\n"),
	}
	evs := s.check(js, scripted, ready, true)
	if len(evs) != 1 || evs[0].verdict != "nobody refused it: rawsock answered 200 OK" || len(evs[0].solved) != 0 {
		t.Fatalf("scripted and ready-made: %+v", evs)
	}
	js = append(js, studyJourney(3, "me:1", "BREW / HTTP/1.0\r\n\r\n"))
	evs = s.check(js, scripted, ready, false)
	if len(evs) != 1 || evs[0].verdict != "" || len(evs[0].solved) != 1 || !s.solved["brew"] {
		t.Fatalf("the learner's own: %+v", evs)
	}
	if evs := s.check(js, scripted, ready, true); len(evs) != 0 {
		t.Errorf("journeys checked twice: %+v", evs)
	}
	for i := 4; i < 4+2*budget; i++ {
		js = append(js, studyJourney(i, fmt.Sprintf("me:%d", i), "GET / HTTP/1.0\r\n\r\n"))
	}
	if evs := s.check(js, scripted, ready, true); len(evs) != budget {
		t.Errorf("a flood of %d journeys gave %d events, want the newest %d", 2*budget, len(evs), budget)
	}
	if s.lastID != 3+2*budget {
		t.Errorf("last journey %d, want the newest", s.lastID)
	}
}

// TestStudyWaitsForWorkerHops: a request passed on by the proxy is over
// for its client before the worker, in its own process, reports its hops;
// it is judged once they are in, not before.
func TestStudyWaitsForWorkerHops(t *testing.T) {
	t.Parallel()
	c, err := challenge.New(lessons.Challenge{ID: "deep", Goal: "Deep.", Checks: []string{"status 200", "origin prefork"}})
	if err != nil {
		t.Fatal(err)
	}
	s := &study{challenges: []*challenge.Challenge{c}, solved: map[string]bool{}, hints: map[string]int{},
		seen: map[int]bool{}, looked: map[int]int{}, unsettled: map[int]time.Time{}}
	front, inner := trace.ConnID{PID: 1, N: 1}, trace.ConnID{PID: 2, N: 1}
	answer := []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
	j := &trace.Journey{ID: 1, Events: []trace.Event{
		{Kind: trace.KindOpen, Side: trace.Server, Conn: front, Layer: "proxy", From: trace.ClientName, To: "proxy", Remote: "me:1"},
		{Kind: trace.KindBytes, Dir: trace.Down, Conn: front, Layer: "proxy", From: trace.ClientName, To: "proxy", Data: []byte("GET / HTTP/1.0\r\n\r\n")},
		{Kind: trace.KindOpen, Side: trace.Server, Conn: inner, Layer: "prefork", From: "proxy", To: "prefork"},
		{Kind: trace.KindBytes, Dir: trace.Down, Conn: inner, Layer: "prefork", From: "proxy", To: "prefork", Data: []byte("GET / HTTP/1.0\r\n\r\n")},
		{Kind: trace.KindBytes, Dir: trace.Up, Conn: front, Layer: "proxy", From: trace.ClientName, To: "proxy", Data: answer},
		{Kind: trace.KindClose, Conn: front, Layer: "proxy", From: trace.ClientName, To: "proxy"},
	}}
	none := func(string) bool { return false }
	if evs := s.check([]*trace.Journey{j}, none, none, true); len(evs) != 0 {
		t.Fatalf("judged before the worker reported: %+v", evs)
	}
	j.Events = append(j.Events[:4:4],
		trace.Event{Kind: trace.KindBytes, Dir: trace.Up, Conn: inner, Layer: "prefork", From: "proxy", To: "prefork", Data: answer},
		j.Events[4], j.Events[5],
		trace.Event{Kind: trace.KindClose, Conn: inner, Layer: "prefork", From: "proxy", To: "prefork"})
	evs := s.check([]*trace.Journey{j}, none, none, true)
	if len(evs) != 1 || len(evs[0].solved) != 1 || evs[0].verdict != "nobody refused it: prefork answered 200 OK" {
		t.Fatalf("once settled: %+v", evs)
	}
}
