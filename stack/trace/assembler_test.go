package trace

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// ev builds events tersely for assembler tables.
func open(layer string, c uint64, side Side, local, remote string) Event {
	return Event{Kind: KindOpen, Layer: layer, Conn: ConnID{1, c}, Side: side, Local: local, Remote: remote}
}
func bytesEv(layer string, c uint64, d Dir, s string) Event {
	return Event{Kind: KindBytes, Layer: layer, Conn: ConnID{1, c}, Dir: d, Data: []byte(s)}
}
func closeEv(layer string, c uint64) Event {
	return Event{Kind: KindClose, Layer: layer, Conn: ConnID{1, c}}
}
func linkEv(layer string, in uint64, local, remote string) Event {
	return Event{Kind: KindLink, Layer: layer, Conn: ConnID{1, in}, Local: local, Remote: remote}
}
func handoff(layer string, c uint64, from, to, name string) Event {
	return Event{Kind: KindHandoff, Layer: layer, Conn: ConnID{1, c}, From: from, To: to, Dir: Down, Name: name}
}

// describe renders journeys as "J1: client>rawsock:GET|rawsock<client:OK|close".
func describe(js []*Journey) string {
	var out []string
	for _, j := range js {
		var hops []string
		for _, h := range j.Hops() {
			arrow := ">"
			if h.Dir == Up {
				arrow = "<"
			}
			s := h.From + arrow + h.To
			switch h.Kind {
			case KindBytes:
				s += ":" + string(h.Data())
			case KindHandoff:
				s += ":" + h.Name
			default:
				s += ":" + h.Kind.String()
			}
			hops = append(hops, s)
		}
		out = append(out, fmt.Sprintf("J%d: %s", j.ID, strings.Join(hops, "|")))
	}
	return strings.Join(out, "\n")
}

func TestAssembler(t *testing.T) {
	t.Parallel()
	const (
		cli  = "127.0.0.1:50000"
		prx  = "127.0.0.1:8080"
		dial = "127.0.0.1:50001"
		app  = "127.0.0.1:8000"
	)
	tests := []struct {
		name   string
		events []Event
		want   string
		// awaiting are the journeys that went on to a connection whose
		// accepted end has not shown up (Journey.Awaiting).
		awaiting []int
	}{
		{
			name: "one request on a front connection",
			events: []Event{
				open("rawsock", 1, Server, app, cli),
				bytesEv("rawsock", 1, Down, "GET"),
				bytesEv("rawsock", 1, Up, "OK"),
				closeEv("rawsock", 1),
			},
			want: "J1: client>rawsock:GET|client<rawsock:OK|client<rawsock:close",
		},
		{
			name: "consecutive reads are one hop",
			events: []Event{
				open("rawsock", 1, Server, app, cli),
				bytesEv("rawsock", 1, Down, "GE"),
				bytesEv("rawsock", 1, Down, "T"),
				bytesEv("rawsock", 1, Up, "OK"),
			},
			want: "J1: client>rawsock:GET|client<rawsock:OK",
		},
		{
			name: "keep-alive: a request after a response starts a journey",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				bytesEv("proxy", 1, Down, "A"),
				bytesEv("proxy", 1, Up, "a"),
				bytesEv("proxy", 1, Down, "B"),
				bytesEv("proxy", 1, Up, "b"),
			},
			want: "J1: client>proxy:A|client<proxy:a\nJ2: client>proxy:B|client<proxy:b",
		},
		{
			name: "link before the upstream opens",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				bytesEv("proxy", 1, Down, "GET"),
				linkEv("proxy", 1, dial, app),
				open("prefork", 2, Server, app, dial),
				bytesEv("prefork", 2, Down, "GET'"),
				handoff("prefork", 2, "prefork", "gateway", "environ"),
				bytesEv("prefork", 2, Up, "OK'"),
				bytesEv("proxy", 1, Up, "OK"),
			},
			want: "J1: client>proxy:GET|proxy>prefork:GET'|prefork>gateway:environ|proxy<prefork:OK'|client<proxy:OK",
		},
		{
			name: "linked, the upstream's accepted end not seen yet: the journey awaits it",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				bytesEv("proxy", 1, Down, "GET"),
				linkEv("proxy", 1, dial, app),
				bytesEv("proxy", 1, Up, "OK"),
			},
			want:     "J1: client>proxy:GET|client<proxy:OK",
			awaiting: []int{1},
		},
		{
			name: "link after the upstream already read: rehomed in order",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				bytesEv("proxy", 1, Down, "GET"),
				open("prefork", 2, Server, app, dial),
				bytesEv("prefork", 2, Down, "GET'"),
				linkEv("proxy", 1, dial, app),
				bytesEv("prefork", 2, Up, "OK'"),
				bytesEv("proxy", 1, Up, "OK"),
			},
			want: "J1: client>proxy:GET|proxy>prefork:GET'|proxy<prefork:OK'|client<proxy:OK",
		},
		{
			name: "both ends of an upstream connection tapped: the accepted end tells it",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				bytesEv("proxy", 1, Down, "GET"),
				open("proxy", 2, Client, dial, app),
				linkEv("proxy", 1, dial, app),
				bytesEv("proxy", 2, Down, "GET'"),
				open("prefork", 3, Server, app, dial),
				bytesEv("prefork", 3, Down, "GET'"),
				bytesEv("prefork", 3, Up, "OK'"),
				bytesEv("proxy", 2, Up, "OK'"),
				closeEv("prefork", 3),
				closeEv("proxy", 2),
				bytesEv("proxy", 1, Up, "OK"),
			},
			want: "J1: client>proxy:GET|proxy>prefork:GET'|proxy<prefork:OK'|proxy<prefork:close|client<proxy:OK",
		},
		{
			name: "both ends tapped, the accepted end seen first",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				bytesEv("proxy", 1, Down, "GET"),
				open("prefork", 3, Server, app, dial),
				open("proxy", 2, Client, dial, app),
				linkEv("proxy", 1, dial, app),
				bytesEv("proxy", 2, Down, "GET'"),
				bytesEv("prefork", 3, Down, "GET'"),
				bytesEv("prefork", 3, Up, "OK'"),
				bytesEv("proxy", 2, Up, "OK'"),
				bytesEv("proxy", 1, Up, "OK"),
			},
			want: "J1: client>proxy:GET|proxy>prefork:GET'|proxy<prefork:OK'|client<proxy:OK",
		},
		{
			name: "only the dialed end tapped: an upstream outside the lab",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				bytesEv("proxy", 1, Down, "GET"),
				open("proxy", 2, Client, dial, app),
				linkEv("proxy", 1, dial, app),
				bytesEv("proxy", 2, Down, "GET'"),
				bytesEv("proxy", 2, Up, "OK'"),
				closeEv("proxy", 2),
				bytesEv("proxy", 1, Up, "OK"),
			},
			want:     "J1: client>proxy:GET|proxy>" + app + ":GET'|proxy<" + app + ":OK'|proxy>" + app + ":close|client<proxy:OK",
			awaiting: []int{1},
		},
		{
			name: "the accepted end's events come after the dialed end closed",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				bytesEv("proxy", 1, Down, "GET"),
				open("proxy", 2, Client, dial, app),
				linkEv("proxy", 1, dial, app),
				bytesEv("proxy", 2, Down, "GET'"),
				bytesEv("proxy", 2, Up, "OK'"),
				closeEv("proxy", 2),
				bytesEv("proxy", 1, Up, "OK"),
				open("prefork", 3, Server, app, dial),
				bytesEv("prefork", 3, Down, "GET'"),
				bytesEv("prefork", 3, Up, "OK'"),
			},
			want: "J1: client>proxy:GET|client<proxy:OK|proxy>prefork:GET'|proxy<prefork:OK'",
		},
		{
			name: "one local port dials two upstreams: each open joins its own journey",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				bytesEv("proxy", 1, Down, "A"),
				open("proxy", 3, Server, prx, "127.0.0.1:50002"),
				bytesEv("proxy", 3, Down, "B"),
				linkEv("proxy", 1, dial, app),
				linkEv("proxy", 3, dial, "127.0.0.1:9002"),
				open("app-b", 4, Server, "127.0.0.1:9002", dial),
				bytesEv("app-b", 4, Down, "B'"),
				open("prefork", 2, Server, app, dial),
				bytesEv("prefork", 2, Down, "A'"),
			},
			want: "J1: client>proxy:A|proxy>prefork:A'\nJ2: client>proxy:B|proxy>app-b:B'",
		},
		{
			name: "idle connection and unknown connection make no journey",
			events: []Event{
				open("proxy", 1, Server, prx, cli),
				closeEv("proxy", 1),
				bytesEv("proxy", 9, Down, "stray"),
				{Kind: KindLog, Layer: "prefork", Name: "hook", Data: []byte("when_ready")},
			},
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := NewAssembler(0)
			for i, e := range tt.events {
				e.Seq = uint64(i + 1)
				a.Add(e)
			}
			if got := describe(a.Journeys()); got != tt.want {
				t.Errorf("journeys:\n%s\nwant:\n%s", got, tt.want)
			}
			var awaiting []int
			for _, j := range a.Journeys() {
				if j.Awaiting() {
					awaiting = append(awaiting, j.ID)
				}
			}
			if !slices.Equal(awaiting, tt.awaiting) {
				t.Errorf("journeys awaiting an accepted end: %v, want %v", awaiting, tt.awaiting)
			}
		})
	}
}

func TestAssemblerKeepsNewest(t *testing.T) {
	t.Parallel()
	a := NewAssembler(2)
	for c := uint64(1); c <= 3; c++ {
		a.Add(open("rawsock", c, Server, "a", fmt.Sprint("c", c)))
		a.Add(bytesEv("rawsock", c, Down, "x"))
	}
	js := a.Journeys()
	if len(js) != 2 || js[0].ID != 2 || js[1].ID != 3 {
		t.Fatalf("kept %s, want journeys 2 and 3", describe(js))
	}
	if a.Journey(3) != js[1] || a.Journey(1) != nil {
		t.Error("Journey lookup by ID is wrong")
	}
	if got := js[0].Layers(); strings.Join(got, ",") != "client,rawsock" {
		t.Errorf("Layers = %v", got)
	}
}

// TestAssemblerBoundsItsMemory fills an Assembler past its byte bound
// with journeys that each carry a hop's worth of bytes: it lets the
// oldest go, telling OnDrop first, holds no more memory than its bound,
// and lets go of what the connections of a dropped journey held. A front
// connection whose journey went starts a new one with its next request;
// an inner one files nothing more.
func TestAssemblerBoundsItsMemory(t *testing.T) {
	t.Parallel()
	const (
		cli  = "127.0.0.1:50000"
		prx  = "127.0.0.1:8080"
		dial = "127.0.0.1:50001"
		app  = "127.0.0.1:8000"
	)
	a := NewAssembler(1000)
	a.MaxBytes = 10 * MaxHopBytes
	var dropped []int
	a.OnDrop = func(j *Journey) { dropped = append(dropped, j.ID) }
	hop := strings.Repeat("x", MaxHopBytes)
	// Journey 1: the proxy's front connection 1, linked to the app's 2.
	a.Add(open("proxy", 1, Server, prx, cli))
	a.Add(bytesEv("proxy", 1, Down, "GET"))
	a.Add(linkEv("proxy", 1, dial, app))
	a.Add(open("app", 2, Server, app, dial))
	a.Add(bytesEv("app", 2, Down, "GET"))
	for c := uint64(3); c < 40; c++ {
		a.Add(open("rawsock", c, Server, "a", fmt.Sprint("c", c)))
		a.Add(bytesEv("rawsock", c, Down, hop))
		if a.bytes > a.MaxBytes {
			t.Fatalf("after journey %d the Assembler holds %d bytes, past its bound of %d", c, a.bytes, a.MaxBytes)
		}
	}
	js := a.Journeys()
	if len(js) >= 10 || len(dropped) != 38-len(js) || dropped[0] != 1 || js[0].ID != dropped[len(dropped)-1]+1 {
		t.Fatalf("held %d journeys from %d, dropped %v", len(js), js[0].ID, dropped)
	}
	if got := a.Add(bytesEv("app", 2, Up, "OK")); got != nil {
		t.Errorf("an inner hop of a journey let go filed its answer in journey %d", got.ID)
	}
	a.Add(bytesEv("proxy", 1, Up, "OK"))
	j := a.Add(bytesEv("proxy", 1, Down, "GET /again"))
	if j == nil || j.ID != 39 || describe([]*Journey{j}) != "J39: client>proxy:GET /again" {
		t.Errorf("the front connection's next request went to %v", j)
	}
}

// TestAssemblerLateEndOfAJourneyLetGo lets a proxied journey go before
// the accepted end of its upstream connection shows up, as a worker's
// events come late under load: whether the proxy's dialed end was tapped
// (the two ends pair) or not (the accepted end finds the link), the
// accepted end files nothing, and the Assembler counts no memory for a
// journey it no longer holds.
func TestAssemblerLateEndOfAJourneyLetGo(t *testing.T) {
	t.Parallel()
	for _, tapped := range []bool{true, false} {
		a := NewAssembler(1)
		a.Add(open("proxy", 1, Server, "127.0.0.1:8080", "127.0.0.1:50000"))
		a.Add(bytesEv("proxy", 1, Down, "GET"))
		if tapped {
			a.Add(open("proxy", 2, Client, "127.0.0.1:50001", "127.0.0.1:8000"))
		}
		a.Add(linkEv("proxy", 1, "127.0.0.1:50001", "127.0.0.1:8000"))
		a.Add(open("rawsock", 3, Server, "a", "c3"))
		a.Add(bytesEv("rawsock", 3, Down, "x")) // journey 2: journey 1 goes
		a.Add(open("app", 4, Server, "127.0.0.1:8000", "127.0.0.1:50001"))
		if j := a.Add(bytesEv("app", 4, Down, "GET")); j != nil {
			t.Errorf("tapped %v: the late end filed its bytes in journey %d", tapped, j.ID)
		}
		held := 0
		for _, j := range a.Journeys() {
			held += j.size
		}
		if got := describe(a.Journeys()); got != "J2: client>rawsock:x" || a.bytes != held {
			t.Errorf("tapped %v: %s, %d bytes counted for %d held", tapped, got, a.bytes, held)
		}
	}
}

// TestAssemblerForgetsLostConnections feeds connections whose closes were
// never seen, as a subscriber that fell behind the ring sees them: the
// connections tracked stay bounded by the journeys kept.
func TestAssemblerForgetsLostConnections(t *testing.T) {
	t.Parallel()
	a := NewAssembler(10)
	for c := uint64(1); c <= 50000; c++ {
		a.Add(open("rawsock", c, Server, "a", fmt.Sprint("c", c)))
		a.Add(bytesEv("rawsock", c, Down, "x"))
		if c%3 == 0 {
			a.Add(open("rawsock", c+1e6, Server, "a", fmt.Sprint("idle", c))) // never speaks
		}
	}
	if n := len(a.conns); n > a.maxConns()+1 {
		t.Errorf("%d connections tracked, want at most %d", n, a.maxConns()+1)
	}
	if js := a.Journeys(); len(js) != 10 || js[9].ID != 50000 {
		t.Errorf("kept %d journeys, the last %d", len(js), js[len(js)-1].ID)
	}
	a.Add(bytesEv("rawsock", 50000, Up, "y"))
	if hops := a.Journeys()[9].Hops(); len(hops) != 2 {
		t.Errorf("the newest journey lost its answer: %d hops", len(hops))
	}
}

// TestAssemblerRemembersOrphansBounded closes more dialed ends than it
// remembers, each before its accepted end shows up, as a worker's events
// come late: the accepted end of the newest maxLinks joins its journey,
// and that of the oldest, forgotten, starts a journey of its own.
func TestAssemblerRemembersOrphansBounded(t *testing.T) {
	t.Parallel()
	a := NewAssembler(2 * maxLinks)
	const requests = maxLinks + 10
	dial := func(i uint64) string { return fmt.Sprint("127.0.0.1:", 10000+i) }
	for i := range uint64(requests) {
		front, up := 2*i+1, 2*i+2
		a.Add(open("proxy", front, Server, "127.0.0.1:8080", fmt.Sprint("127.0.0.1:", 50000+i)))
		a.Add(bytesEv("proxy", front, Down, "GET"))
		a.Add(open("proxy", up, Client, dial(i), "127.0.0.1:8000"))
		a.Add(linkEv("proxy", front, dial(i), "127.0.0.1:8000"))
		a.Add(closeEv("proxy", up))
	}
	for _, tc := range []struct {
		i      uint64
		joined bool
	}{{0, false}, {9, false}, {10, true}, {requests - 1, true}} {
		worker := uint64(1e6) + tc.i
		a.Add(open("prefork", worker, Server, "127.0.0.1:8000", dial(tc.i)))
		j := a.Add(bytesEv("prefork", worker, Down, "GET"))
		if joined := j != nil && j.ID == int(tc.i)+1; joined != tc.joined {
			t.Errorf("request %d: the worker's end joined its journey: %v, want %v", tc.i, joined, tc.joined)
		}
	}
}

// TestAssemblerPutsAWorkersLateEventsInPlace feeds a journey whose inner
// hop was recorded in another process and reached the recorder after the
// proxy had already answered: the hops come out in the order they
// happened.
func TestAssemblerPutsAWorkersLateEventsInPlace(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1700000000, 0)
	at := func(e Event, pid int, ms int, seq uint64) Event {
		e.PID, e.Time, e.Seq = pid, t0.Add(time.Duration(ms)*time.Millisecond), seq
		e.Conn.PID = pid
		return e
	}
	const (
		cli  = "127.0.0.1:50000"
		prx  = "127.0.0.1:8080"
		dial = "127.0.0.1:50001"
		app  = "127.0.0.1:8000"
	)
	events := []Event{
		at(open("proxy", 1, Server, prx, cli), 1, 0, 1),
		at(bytesEv("proxy", 1, Down, "GET"), 1, 1, 2),
		at(linkEv("proxy", 1, dial, app), 1, 2, 3),
		at(bytesEv("proxy", 1, Up, "OK"), 1, 9, 4), // the proxy relays the answer
		// the worker's events, recorded at 3 to 8 ms, arrive now
		at(open("prefork", 2, Server, app, dial), 2, 3, 5),
		at(bytesEv("prefork", 2, Down, "GET"), 2, 4, 6),
		at(handoff("prefork", 2, "prefork", "gateway", "environ"), 2, 5, 7),
		at(bytesEv("prefork", 2, Up, "OK"), 2, 8, 8),
		// one at the time the proxy relayed the answer: it goes after
		at(handoff("prefork", 2, "prefork", "gateway", "close"), 2, 9, 9),
	}
	a := NewAssembler(0)
	for _, e := range events {
		a.Add(e)
	}
	want := "J1: client>proxy:GET|proxy>prefork:GET|prefork>gateway:environ|proxy<prefork:OK|client<proxy:OK|prefork>gateway:close"
	if got := describe(a.Journeys()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestAssemblerTakesStatesAgain runs requests through the proxy to a
// worker, whose dialed end closes before the worker's events come, with
// room for one journey only: each new connection takes the state of one
// forgotten, still named in the journeys let go (the dialed end's once its
// accepted end closes too). Every journey must come out whole, the close
// that freed a state filed with its hop, and a state taken again must not
// be touched by the journey it filed in before.
func TestAssemblerTakesStatesAgain(t *testing.T) {
	t.Parallel()
	a := NewAssembler(1)
	var dropped []*Journey
	a.OnDrop = func(j *Journey) { dropped = append(dropped, j) }
	t0 := time.Unix(1700000000, 0)
	var seq uint64
	at := func(e Event, pid int, ms int) Event {
		seq++
		e.PID, e.Time, e.Seq = pid, t0.Add(time.Duration(ms)*time.Millisecond), seq
		e.Conn.PID = pid
		return e
	}
	const want = "client>proxy:GET|proxy>prefork:GET|proxy<prefork:OK|proxy<prefork:close|client<proxy:OK|client<proxy:close"
	for i := range uint64(4) {
		c, ms := 10*i, 100*int(i)
		cli, dial := fmt.Sprint("127.0.0.1:", 50000+c), fmt.Sprint("127.0.0.1:", 50001+c)
		for _, e := range []Event{
			at(open("proxy", c+1, Server, "127.0.0.1:8080", cli), 1, ms),
			at(bytesEv("proxy", c+1, Down, "GET"), 1, ms+1),
			at(open("proxy", c+2, Client, dial, "127.0.0.1:8000"), 1, ms+2),
			at(linkEv("proxy", c+1, dial, "127.0.0.1:8000"), 1, ms+3),
			at(bytesEv("proxy", c+2, Down, "GET"), 1, ms+4),
			at(bytesEv("proxy", c+2, Up, "OK"), 1, ms+10),
			at(closeEv("proxy", c+2), 1, ms+11),
			at(bytesEv("proxy", c+1, Up, "OK"), 1, ms+12),
			at(closeEv("proxy", c+1), 1, ms+13),
			// the worker's events, recorded at 5 to 9 ms, arrive now
			at(open("prefork", c+3, Server, "127.0.0.1:8000", dial), 2, ms+5),
			at(bytesEv("prefork", c+3, Down, "GET"), 2, ms+6),
			at(bytesEv("prefork", c+3, Up, "OK"), 2, ms+8),
			at(closeEv("prefork", c+3), 2, ms+9),
		} {
			a.Add(e)
		}
		j := a.Journeys()
		if len(j) != 1 || describe(j) != fmt.Sprintf("J%d: %s", i+1, want) {
			t.Fatalf("request %d: got\n%s\nwant J%d: %s", i+1, describe(j), i+1, want)
		}
	}
	if len(a.spares) == 0 {
		t.Error("no state of a forgotten connection kept for a new one")
	}
	if len(dropped) != 3 {
		t.Fatalf("%d journeys let go, want 3", len(dropped))
	}
	for _, j := range dropped {
		if got := describe([]*Journey{j}); got != fmt.Sprintf("J%d: %s", j.ID, want) {
			t.Errorf("after it was let go, got %s", got)
		}
	}
}

// BenchmarkAssembler files the events of one proxied journey whose
// upstream connection is tapped at both ends.
func BenchmarkAssembler(b *testing.B) {
	a := NewAssembler(0)
	b.ReportAllocs()
	var c uint64
	for b.Loop() {
		c += 3
		cli := fmt.Sprint("127.0.0.1:", c)
		dial := fmt.Sprint("127.0.0.1:", c+1)
		for _, e := range []Event{
			open("proxy", c, Server, "127.0.0.1:8080", cli),
			bytesEv("proxy", c, Down, "GET / HTTP/1.0\r\n\r\n"),
			open("proxy", c+1, Client, dial, "127.0.0.1:8000"),
			linkEv("proxy", c, dial, "127.0.0.1:8000"),
			bytesEv("proxy", c+1, Down, "GET / HTTP/1.0\r\n\r\n"),
			open("app", c+2, Server, "127.0.0.1:8000", dial),
			bytesEv("app", c+2, Down, "GET / HTTP/1.0\r\n\r\n"),
			bytesEv("app", c+2, Up, "HTTP/1.0 200 OK\r\n\r\n"),
			closeEv("app", c+2),
			bytesEv("proxy", c+1, Up, "HTTP/1.0 200 OK\r\n\r\n"),
			closeEv("proxy", c+1),
			bytesEv("proxy", c, Up, "HTTP/1.1 200 OK\r\n\r\n"),
			closeEv("proxy", c),
		} {
			a.Add(e)
		}
	}
}

// TestFollow records requests while Follow reads, some while it pauses
// between reads, and checks that every one becomes a journey by the time
// Follow returns ctx's error, none of the events left behind.
func TestFollow(t *testing.T) {
	t.Parallel()
	rec := NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	a := NewAssembler(0)
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan error, 1)
	go func() { followed <- a.Follow(ctx, sub) }()
	const requests = 300 // more events than Follow's buffer holds
	for i := range uint64(requests) {
		rec.Record(open("rawsock", i+1, Server, "127.0.0.1:8080", fmt.Sprintf("127.0.0.1:%d", 40000+i)))
		rec.Record(bytesEv("rawsock", i+1, Down, "GET"))
		rec.Record(bytesEv("rawsock", i+1, Up, "OK"))
		rec.Record(closeEv("rawsock", i+1))
		if i%100 == 0 {
			time.Sleep(2 * followPause) // some arrive while Follow waits
		}
	}
	cancel()
	if err := <-followed; !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow returned %v, want context.Canceled", err)
	}
	if got := len(a.Journeys()); got != requests {
		t.Fatalf("%d journeys, want %d", got, requests)
	}
	if got, want := describe(a.Journeys()[requests-1:]), "J300: client>rawsock:GET|client<rawsock:OK|client<rawsock:close"; got != want {
		t.Errorf("the last journey:\n got %s\nwant %s", got, want)
	}
}

// BenchmarkAssemblerWorker files one journey as the lab's front of the
// stack records it, proxy -> pre-fork worker: the proxy's events first
// (its dialed end untapped, as the worker taps the accepted end; see
// Tap.Dialed), then the worker's, which reach the recorder over a pipe
// after the proxy has answered and go back in their place by their time.
// The worker's app is hello, or the framework's, whose seven more
// hand-offs make a journey longer than the room a new one has. Each
// journey is made anew ("new") or in the memory of one let go ("reuse",
// Assembler.Reuse).
func BenchmarkAssemblerWorker(b *testing.B) {
	env := make([]Field, 23)
	for i := range env {
		env[i] = Field{Key: fmt.Sprint("KEY_", i), Value: "value"}
	}
	req, resp := []byte("GET / HTTP/1.0\r\n\r\n"), []byte("HTTP/1.0 200 OK\r\n\r\nHello, World!\n")
	hello := []Event{
		{Dir: Down, From: "prefork", To: "gateway", Name: "environ", Fields: env},
		{Dir: Up, From: "prefork", To: "gateway", Name: "start_response", Fields: env[:3]},
		{Dir: Up, From: "prefork", To: "gateway", Name: "chunk", Data: resp},
	}
	framework := []Event{
		hello[0],
		{Dir: Down, From: "gateway", To: "toolkit", Name: "Request(environ)", Fields: env[:5]},
		{Dir: Down, From: "toolkit", To: "framework", Name: "url_map.match()", Fields: env[:3]},
		{Dir: Down, From: "toolkit", To: "framework", Name: "view function", Fields: env[:1]},
		{Dir: Up, From: "toolkit", To: "framework", Name: "return value", Fields: env[:2]},
		{Dir: Up, From: "toolkit", To: "framework", Name: "make_response(rv)", Fields: env[:4]},
		{Dir: Up, From: "gateway", To: "toolkit", Name: "Response", Fields: env[:2]},
		hello[1], hello[2],
	}
	for _, app := range []struct {
		name     string
		handoffs []Event
		events   int // in each journey
	}{{"hello", hello, 12}, {"framework", framework, 18}} {
		for _, reuse := range []bool{false, true} {
			name := app.name + "/new"
			if reuse {
				name = app.name + "/reuse"
			}
			b.Run(name, func(b *testing.B) { benchmarkWorkerJourneys(b, reuse, app.handoffs, app.events, req, resp) })
		}
	}
}

// benchmarkWorkerJourneys assembles journeys through the proxy to a
// worker, whose events come late, with the worker's hand-offs handoffs,
// each journey made anew or in the memory of one let go.
func benchmarkWorkerJourneys(b *testing.B, reuse bool, handoffs []Event, events int, req, resp []byte) {
	t0 := time.Unix(1700000000, 0)
	a := NewAssembler(0)
	a.Reuse = reuse
	b.ReportAllocs()
	var c, seq uint64
	file := func(e Event) {
		seq++
		e.Seq = seq
		a.Add(e)
	}
	for b.Loop() {
		c += 2
		cli, dial := fmt.Sprint("127.0.0.1:", c), fmt.Sprint("127.0.0.1:", c+1)
		front, worker := ConnID{1, c}, ConnID{2, c}
		for _, e := range [...]Event{
			{PID: 1, Time: t0.Add(1), Layer: "proxy", Kind: KindOpen, Conn: front, Side: Server, Local: "127.0.0.1:8080", Remote: cli},
			{PID: 1, Time: t0.Add(2), Layer: "proxy", Kind: KindBytes, Conn: front, Dir: Down, Data: req},
			{PID: 1, Time: t0.Add(4), Layer: "proxy", Kind: KindLink, Conn: front, Local: dial, Remote: "127.0.0.1:8000"},
			{PID: 1, Time: t0.Add(60), Layer: "proxy", Kind: KindBytes, Conn: front, Dir: Up, Data: resp},
			{PID: 1, Time: t0.Add(61), Layer: "proxy", Kind: KindLog, Conn: front, Name: "access_log", Data: req},
			{PID: 1, Time: t0.Add(62), Layer: "proxy", Kind: KindClose, Conn: front},
			{PID: 2, Time: t0.Add(10), Layer: "prefork", Kind: KindOpen, Conn: worker, Side: Server, Local: "127.0.0.1:8000", Remote: dial},
			{PID: 2, Time: t0.Add(11), Layer: "prefork", Kind: KindBytes, Conn: worker, Dir: Down, Data: req},
		} {
			file(e)
		}
		for i, e := range handoffs {
			e.PID, e.Time, e.Layer, e.Kind, e.Conn = 2, t0.Add(time.Duration(12+i)), "prefork", KindHandoff, worker
			file(e)
		}
		file(Event{PID: 2, Time: t0.Add(50), Layer: "prefork", Kind: KindBytes, Conn: worker, Dir: Up, Data: resp})
		file(Event{PID: 2, Time: t0.Add(51), Layer: "prefork", Kind: KindClose, Conn: worker})
	}
	if j := a.Journeys(); len(j[len(j)-1].Events) != events {
		b.Fatalf("the last journey has %d events, want %d", len(j[len(j)-1].Events), events)
	}
}

// TestAssemblerReuse runs proxied requests through an Assembler that
// reuses the memory of journeys let go, room for two kept, and through
// one that does not. Each worker's events come three requests late, after
// its journey was let go and its memory taken by another: they must not
// join that other journey, whether the dialed end was tapped or only its
// link recorded. After every event, both must hold the same journeys.
func TestAssemblerReuse(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1700000000, 0)
	request := func(i int) (proxy, worker []Event) {
		c := uint64(3 * i)
		cli, dial := fmt.Sprint("127.0.0.1:", 40000+i), fmt.Sprint("127.0.0.1:", 50000+i)
		at := func(e Event, pid, ms int) Event {
			e.PID, e.Time, e.Conn.PID = pid, t0.Add(time.Duration(100*i+ms)*time.Millisecond), pid
			return e
		}
		get, ok := fmt.Sprint("GET /", i), fmt.Sprint("OK ", i)
		proxy = []Event{
			at(open("proxy", c, Server, "127.0.0.1:8080", cli), 1, 0),
			at(bytesEv("proxy", c, Down, get), 1, 1),
			at(open("proxy", c+1, Client, dial, "127.0.0.1:8000"), 1, 2),
			at(linkEv("proxy", c, dial, "127.0.0.1:8000"), 1, 3),
			at(bytesEv("proxy", c+1, Down, get), 1, 4),
			at(bytesEv("proxy", c+1, Up, ok), 1, 9),
			at(closeEv("proxy", c+1), 1, 10),
			at(bytesEv("proxy", c, Up, ok), 1, 11),
			at(closeEv("proxy", c), 1, 12),
		}
		worker = []Event{
			at(open("prefork", c+2, Server, "127.0.0.1:8000", dial), 2, 5),
			at(bytesEv("prefork", c+2, Down, get), 2, 6),
			at(bytesEv("prefork", c+2, Up, ok), 2, 8),
			at(closeEv("prefork", c+2), 2, 9),
		}
		return proxy, worker
	}
	var events []Event
	var late [][]Event
	for i := range 20 {
		proxy, worker := request(i)
		if i%2 == 1 { // a dialed end not tapped: its link only
			proxy = slices.DeleteFunc(proxy, func(e Event) bool { return e.Conn.N == uint64(3*i+1) })
		}
		if i%3 == 0 { // a journey that outgrows its room, by hand-offs of the proxy's own
			for k := range 8 {
				h := handoff("proxy", uint64(3*i), "proxy", "proxy", fmt.Sprint("step ", k))
				h.PID, h.Conn.PID, h.Time = 1, 1, proxy[1].Time
				proxy = slices.Insert(proxy, 2, h)
			}
		}
		events = append(events, proxy...)
		late = append(late, worker)
		if i >= 3 {
			events = append(events, late[i-3]...)
		}
	}
	reusing, fresh := NewAssembler(2), NewAssembler(2)
	reusing.Reuse = true
	rooms := map[*journeyRoom]bool{}
	for i, e := range events {
		e.Seq = uint64(i + 1)
		reusing.Add(e)
		fresh.Add(e)
		if got, want := describe(reusing.Journeys()), describe(fresh.Journeys()); got != want {
			t.Fatalf("after event %d, reusing:\n%s\nwant, as without reuse:\n%s", i+1, got, want)
		}
		for _, j := range reusing.Journeys() {
			rooms[j.made] = true
			if past := j.Events[len(j.Events):cap(j.Events)]; slices.ContainsFunc(past, func(e Event) bool { return e.Kind != 0 }) {
				t.Fatalf("after event %d, journey %d keeps events past its own in its room", i+1, j.ID)
			}
		}
	}
	if len(rooms) >= reusing.nextID {
		t.Errorf("%d journeys made in %d allocations: none reused", reusing.nextID, len(rooms))
	}
}
