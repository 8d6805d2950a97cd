package main

import (
	"io"
	"net"
	"strconv"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// scriptedConn is a connection whose peer sends one request: a tap over
// it records a whole journey without a socket.
type scriptedConn struct {
	net.Conn // nil: only what a tap calls is here
	request  []byte
	remote   net.Addr
}

func (c *scriptedConn) Read(b []byte) (int, error) {
	if len(c.request) == 0 {
		return 0, io.EOF
	}
	n := copy(b, c.request)
	c.request = c.request[n:]
	return n, nil
}

func (c *scriptedConn) Write(b []byte) (int, error) { return len(b), nil }
func (c *scriptedConn) Close() error                { return nil }
func (c *scriptedConn) LocalAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
}
func (c *scriptedConn) RemoteAddr() net.Addr { return c.remote }

// recordJourneys records n whole journeys of a raw socket server into
// rec: each a request, an answer, an access log line, a close.
func recordJourneys(rec *trace.Recorder, n int) {
	tap := trace.NewTap(rec, "rawsock")
	for i := range n {
		c := tap.Conn(&scriptedConn{request: []byte("GET / HTTP/1.0\r\n\r\n"), remote: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 10000 + i}}, trace.Server)
		io.ReadAll(c)
		io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
		tap.Log(c, "access_log", "GET / 200")
		c.Close()
	}
}

// followAll runs a follower of sub over what is recorded already, and
// returns the IDs of the journeys it handed on and the events it said it
// missed.
func followAll(sub *trace.Subscription, logs *[]string) (journeys []int, missed uint64) {
	f := &follower{sub: sub}
	f.onJourney = func(j *trace.Journey) { journeys = append(journeys, j.ID) }
	f.onMissed = func(n uint64) { missed += n }
	f.onLog = func(e trace.Event) { *logs = append(*logs, e.Layer+": "+string(e.Data)) }
	f.start()()
	return journeys, missed
}

// TestFollowerHandsOnEveryJourney gives the follower more journeys at
// once than its Assembler holds, as when up falls behind a burst: every
// one must be handed on, each once. The follower read them all before
// it handed any on, and lost those the Assembler had let go meanwhile.
func TestFollowerHandsOnEveryJourney(t *testing.T) {
	t.Parallel()
	const n = 3 * maxJourneys / 2
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	recordJourneys(rec, n)
	var logs []string
	journeys, missed := followAll(sub, &logs)
	seen := map[int]bool{}
	for _, id := range journeys {
		if seen[id] {
			t.Errorf("journey %d handed on twice", id)
		}
		seen[id] = true
	}
	if len(seen) != n || missed != 0 {
		t.Errorf("%d journeys handed on of %d, %d events missed", len(seen), n, missed)
	}
}

// TestFollowerSaysWhatItMissed records more events than a small ring
// holds before the follower reads: what the ring dropped is told, to the
// event, and the journeys it still holds are handed on.
func TestFollowerSaysWhatItMissed(t *testing.T) {
	t.Parallel()
	rec := trace.NewRecorder(64, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	recordJourneys(rec, 100)
	var logs []string
	journeys, missed := followAll(sub, &logs)
	if want := rec.Stats().Dropped; missed != want || missed == 0 {
		t.Errorf("told of %d missed events, the ring dropped %d", missed, want)
	}
	if len(journeys) == 0 {
		t.Error("no journey handed on of those the ring still held")
	}
}

// TestFollowerHandsOnLogLines checks that the log lines no journey holds
// (the master's, a worker's death) are handed on, in order, and those of
// a journey are not handed on twice.
func TestFollowerHandsOnLogLines(t *testing.T) {
	t.Parallel()
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	master := trace.NewTap(rec, "prefork")
	master.Log(nil, "log", "Booting worker with pid: 1")
	recordJourneys(rec, 1)
	master.Log(nil, "log", "Worker with pid 1 was terminated due to signal 9")
	for i := range 3 {
		master.Log(nil, "log", "Booting worker with pid: "+strconv.Itoa(2+i))
	}
	master.Log(nil, "log", "Shutting down: Master")
	var logs []string
	journeys, _ := followAll(sub, &logs)
	want := []string{
		"prefork: Booting worker with pid: 1",
		"prefork: Worker with pid 1 was terminated due to signal 9",
		"prefork: Booting worker with pid: 2",
		"prefork: Booting worker with pid: 3",
		"prefork: Booting worker with pid: 4",
		"prefork: Shutting down: Master",
	}
	if len(journeys) != 1 || len(logs) != len(want) {
		t.Fatalf("%d journeys and log lines %q; want 1 and %q", len(journeys), logs, want)
	}
	for i := range want {
		if logs[i] != want[i] {
			t.Errorf("log line %d: %q, want %q", i, logs[i], want[i])
		}
	}
}
