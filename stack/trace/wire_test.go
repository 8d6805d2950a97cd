package trace

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func wireSamples() []Event {
	return []Event{
		{Kind: KindOpen, PID: 41, Layer: "prefork", Conn: ConnID{41, 1}, Side: Server,
			Local: "127.0.0.1:8000", Remote: "127.0.0.1:50123", Time: time.Unix(1700000000, 123456789)},
		{Kind: KindBytes, PID: 41, Layer: "prefork", Conn: ConnID{41, 1}, Dir: Down, Data: []byte("GET / HTTP/1.0\r\n\r\n")},
		{Kind: KindHandoff, PID: 41, Layer: "prefork", Conn: ConnID{41, 1}, Dir: Down, From: "prefork", To: "gateway",
			Name: "environ", Fields: []Field{{"REQUEST_METHOD", "GET"}, {"PATH_INFO", "/"}, {"EMPTY", ""}}},
		{Kind: KindLog, PID: 7, Layer: "prefork", Name: "hook", Data: []byte("on_starting")},
		{Kind: KindError, PID: 41, Conn: ConnID{41, 2}, Err: "write: broken pipe"},
		{Kind: KindBytes, PID: 41, Layer: "prefork", Conn: ConnID{41, 1}, Dir: Up, Omitted: 3 << 20},
	}
}

// encode encodes events, each in a slice of its own, in turn through one
// new Encoder, as a stream.
func encode(events ...Event) [][]byte {
	var en Encoder
	var out [][]byte
	for _, e := range events {
		out = append(out, en.AppendEvent(nil, e))
	}
	return out
}

func TestEventRoundTrip(t *testing.T) {
	t.Parallel()
	for _, e := range wireSamples() {
		t.Run(e.Kind.String(), func(t *testing.T) {
			t.Parallel()
			var d Decoder
			got, err := d.Parse(encode(e)[0])
			if err != nil {
				t.Fatal(err)
			}
			if !got.Time.Equal(e.Time) {
				t.Errorf("time %v, want %v", got.Time, e.Time)
			}
			got.Time, e.Time = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, e) {
				t.Errorf("got %+v\nwant %+v", got, e)
			}
		})
	}
}

// TestEncoderDecoder sends a worker's requests to the framework's app
// through one Encoder and one Decoder, each request from a port of its
// own, as many as fill the table twice over, with strings that share
// their bytes' memory but not their length: each event comes out as it
// went in. A string that comes again, from the second request on, is
// the one decoded the first time, shared, as only a number in the table
// makes it, but for strings that came first after the table emptied.
func TestEncoderDecoder(t *testing.T) {
	t.Parallel()
	const words = "HTTP_X_FORWARDED_FOR"
	var en Encoder
	var d Decoder
	made := map[string][]*byte{} // the strings decoded, by their bytes
	shared, again := 0, 0
	for i := range 3 * maxKept {
		events := workerRequest(true, 10000+i)
		events = append(events, Event{Kind: KindLog, Name: words[:4], Fields: []Field{
			{words[:6], words}, {words, strings.Repeat(words, 5)}, {words[:6], words[:5]},
		}})
		for k, want := range events {
			got, err := d.Parse(en.AppendEvent(nil, want))
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("request %d, event %d: got %+v, %v; want %+v", i+1, k+1, got, err, want)
			}
			for _, s := range got.strings() {
				was, ok := made[s]
				switch {
				case slices.Contains(was, unsafe.StringData(s)):
					shared++
				case ok && len(s) <= maxKeptLen:
					again++ // made anew after the table emptied
					fallthrough
				default:
					made[s] = append(was, unsafe.StringData(s))
				}
			}
		}
	}
	// Each request adds its ports' three strings to the table, which so
	// empties about every 1,350 requests: the strings that came before
	// are then made again, once.
	if shared < 100*again {
		t.Errorf("%d strings shared, %d made again", shared, again)
	}
}

// TestEncoderDecoderInterleaved sends the events of two requests in
// turn, as a thread worker's clients send theirs, with times that go back
// and events with no time or PID between: what one event shares with the
// one before changes at every event, and each comes out as it went in.
// An event that shares its whole header with the one before takes a few
// bytes.
func TestEncoderDecoderInterleaved(t *testing.T) {
	t.Parallel()
	a, b := workerRequest(true, 10000), workerRequest(false, 20000)
	var events []Event
	for i := range max(len(a), len(b)) {
		for _, req := range [][]Event{a, b} {
			if i < len(req) {
				events = append(events, req[i])
			}
		}
		events = append(events, Event{Kind: KindLog, Name: "tick"})
	}
	var en Encoder
	var d Decoder
	for k, want := range events {
		got, err := d.Parse(en.AppendEvent(nil, want))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("event %d: got %+v, %v; want %+v", k+1, got, err, want)
		}
	}
	open := a[0]
	first := en.AppendEvent(nil, open)
	again := en.AppendEvent(nil, open)
	if len(again) > 8 || len(again) >= len(first) {
		t.Errorf("an event sent twice takes %d bytes, then %d: % x", len(first), len(again), again)
	}
}

// TestEncoderFieldsByName sends events whose fields are those of the
// last event of their name, and some that are not: the first go as a
// flag and come out as the fields decoded before, shared; a caller that
// changes its fields in place after sending them gets the change sent.
func TestEncoderFieldsByName(t *testing.T) {
	t.Parallel()
	fields := []Field{{"status", "200 OK"}, {"Content-Length", "30"}}
	other := []Field{{"call", "index()"}}
	var en Encoder
	var d Decoder
	send := func(name string, fs []Field) (Event, int) {
		t.Helper()
		want := Event{Kind: KindHandoff, Dir: Up, Name: name, Fields: slices.Clone(fs)}
		b := en.AppendEvent(nil, Event{Kind: KindHandoff, Dir: Up, Name: name, Fields: fs})
		got, err := d.Parse(b)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %+v, %v; want %+v", name, got, err, want)
		}
		return got, len(b)
	}
	first, long := send("start_response", fields)
	send("view function", other)
	again, short := send("start_response", fields)
	if short >= long || &again.Fields[0] != &first.Fields[0] {
		t.Errorf("the same fields again took %d bytes against %d, shared %v", short, long, &again.Fields[0] == &first.Fields[0])
	}
	fields[1].Value = "31" // in place, as a caller reusing its memory would
	if changed, _ := send("start_response", fields); &changed.Fields[0] == &first.Fields[0] {
		t.Error("fields changed in place were sent as the same")
	}
	// An environ whose client's port changed sends the two fields that
	// did, and leaves the fields of the events before as they were.
	environ := workerRequest(false, 10000)[2].Fields
	firstEnv, whole := send("environ", environ)
	next := workerRequest(false, 10001)[2].Fields
	nextEnv, changes := send("environ", next)
	if changes*3 > whole || !reflect.DeepEqual(firstEnv.Fields, environ) || !reflect.DeepEqual(nextEnv.Fields, next) {
		t.Errorf("an environ with two fields changed took %d bytes against %d; the first is now %v", changes, whole, firstEnv.Fields)
	}
	send("environ", environ) // the first port again: changed back, against the last sent

	// More names than the Encoder remembers push the first out.
	for i := range namedRunSlots {
		send(fmt.Sprint("name ", i), other)
	}
	if _, n := send("start_response", fields); n <= short {
		t.Errorf("fields of a name pushed out took %d bytes", n)
	}
}

// strings returns e's strings but the empty ones.
func (e *Event) strings() []string {
	out := []string{e.Layer, e.From, e.To, e.Name, e.Local, e.Remote, e.Err}
	for _, f := range e.Fields {
		out = append(out, f.Key, f.Value)
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// TestDecoderFieldsStayPut decodes many events with fields, few and many,
// as a worker sends them, and checks that each keeps its own after those
// that follow: an append to one event's fields must not reach the next's.
func TestDecoderFieldsStayPut(t *testing.T) {
	t.Parallel()
	var wants [][]Field
	for _, n := range []int{1, 3, 21, fieldBlock / 8, fieldBlock/8 + 1} {
		fields := make([]Field, n)
		for i := range fields {
			fields[i] = Field{Key: fmt.Sprint("KEY_", i), Value: fmt.Sprint("value ", n)}
		}
		wants = append(wants, fields)
	}
	var en Encoder
	var d Decoder
	var got []Event
	for i := range 5 * fieldBlock / 10 { // through several blocks
		want := wants[i%len(wants)]
		e, err := d.Parse(en.AppendEvent(nil, Event{Kind: KindHandoff, Dir: Down, Name: "environ", Fields: want}))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	for i := range got {
		got[i].Fields = append(got[i].Fields, Field{Key: "appended"})
	}
	for i, e := range got {
		want := append(wants[i%len(wants)], Field{Key: "appended"})
		if !reflect.DeepEqual(e.Fields, want) {
			t.Fatalf("event %d: fields %v, want %v", i, e.Fields, want)
		}
	}
}

// head returns the start of an event of bytes coming down at time 0,
// which shares with the previous event the parts same says.
func head(same byte) []byte {
	return []byte{wireVersion, same, byte(KindBytes) | byte(Down)<<4, 0}
}

// sameAll flags every part of an event's header as the previous event's.
const sameAll = samePID | sameConn | sameLayer | sameFrom | sameTo | sameName | sameLocal | sameRemote

func TestDecoderRefuses(t *testing.T) {
	t.Parallel()
	good := encode(wireSamples()[2])[0]
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"wrong version", append([]byte{9}, good[1:]...)},
		{"truncated", good[:len(good)-3]},
		{"trailing bytes", append(append([]byte(nil), good...), 0)},
		{"unknown kind", encode(Event{Kind: KindLog + 1})[0]},
		{"zero kind", encode(Event{})[0]},
		{"bad direction", encode(Event{Kind: KindBytes, Dir: Up + 1})[0]},
		{"bad side", encode(Event{Kind: KindOpen, Side: Client + 1})[0]},
		{"negative omitted count", encode(Event{Kind: KindBytes, Dir: Up, Omitted: -1})[0]},
		// Below, an event of bytes coming down (kds) at time 0 whose
		// PID and connection are the previous event's.
		{"huge length", append(head(sameAll), 0xff, 0xff, 0xff, 0xff, 0x0f)},
		// A layer named by number 0 in an empty table.
		{"string past the table", append(head(samePID|sameConn), 1)},
		// A layer of no bytes, to add to the table.
		{"empty string to number", append(head(samePID|sameConn), 2)},
		// A layer of 65 bytes, to add to the table.
		{"long string to number", append(binary.AppendUvarint(head(samePID|sameConn), 65<<2|2), make([]byte, 65)...)},
		// No data, none omitted, then fields.
		{"fields of a name not seen", append(head(sameAll), 0, 0, 1, 0)},
		{"odd field count", append(head(sameAll), 0, 0, 3, 0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d Decoder
			if _, err := d.Parse(tt.b); !errors.Is(err, ErrBadEvent) {
				t.Errorf("err = %v, want ErrBadEvent", err)
			}
		})
	}
}

// TestDecoderRefusesChanges decodes fields said against those of the
// last event of their name that no Encoder would send: more changes than
// fields, changes out of order, a change past the end.
func TestDecoderRefusesChanges(t *testing.T) {
	t.Parallel()
	var en Encoder
	before := en.AppendEvent(nil, Event{Kind: KindHandoff, Dir: Down, Name: "environ", Fields: []Field{{"A", "1"}, {"B", "2"}}})
	// The same header, no data, none omitted, then the fields: a change
	// is its place and a key and a value, here empty strings.
	changes := func(n byte, places ...byte) []byte {
		b := append(head(sameAll), 0, 0, n<<2|3)
		for _, k := range places {
			b = append(b, k, 0, 0)
		}
		return append(b, 0)
	}
	for _, tt := range []struct {
		name string
		b    []byte
		ok   bool
	}{
		{"two in order", changes(2, 0, 1), true},
		{"three of two", changes(3, 0, 1, 1), false},
		{"out of order", changes(2, 1, 0), false},
		{"the same twice", changes(2, 0, 0), false},
		{"past the end", changes(1, 2), false},
		{"none", changes(0), false},
	} {
		var d Decoder
		if _, err := d.Parse(before); err != nil {
			t.Fatal(err)
		}
		_, err := d.Parse(tt.b)
		if tt.ok != (err == nil) || err != nil && !errors.Is(err, ErrBadEvent) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestFrameReader(t *testing.T) {
	t.Parallel()
	// A frame larger than the reader's buffer is read past it.
	frames := []string{"one", "", strings.Repeat("big", 50<<10), "three"}
	var stream []byte
	for _, p := range frames {
		stream = AppendFrame(stream, []byte(p))
	}
	fr := NewFrameReader(bytes.NewReader(stream))
	for _, want := range frames {
		got, err := fr.Next()
		if err != nil || string(got) != want {
			t.Fatalf("Next = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := fr.Next(); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
	cut := NewFrameReader(bytes.NewReader(stream[:len(stream)-2]))
	for range len(frames) - 1 {
		cut.Next()
	}
	if _, err := cut.Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("broken off: %v, want io.ErrUnexpectedEOF", err)
	}
	huge := NewFrameReader(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff, 0x0f}))
	if _, err := huge.Next(); !errors.Is(err, ErrBadEvent) {
		t.Errorf("oversized frame: %v, want ErrBadEvent", err)
	}
}

// FuzzParseEvent feeds a Decoder frames from nowhere, as a broken or
// hostile worker process could send: it must never panic, and the events
// it accepts, up to its first error, must survive being encoded by one
// Encoder and decoded by another Decoder unchanged. A stream rather than
// one event, as what an event may say depends on the events before it
// (a header's flags, fields said against the last ones of their name).
func FuzzParseEvent(f *testing.F) {
	for _, e := range wireSamples() {
		f.Add(AppendFrame(nil, encode(e)[0]))
	}
	var stream []byte
	for _, req := range [][]Event{workerRequest(true, 10000), workerRequest(true, 10001), workerRequest(true, 10000), workerRequest(false, 10002)} {
		for _, b := range encode(req...) {
			stream = AppendFrame(stream, b)
		}
	}
	f.Add(stream)
	f.Add(AppendFrame(nil, []byte{wireVersion}))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr := NewFrameReader(bytes.NewReader(b))
		var d Decoder
		var accepted []Event
		for {
			p, err := fr.Next()
			if err != nil {
				break
			}
			e, err := d.Parse(p)
			if err != nil {
				break
			}
			accepted = append(accepted, e)
		}
		var en Encoder
		var again Decoder
		for i, e := range accepted {
			if got, err := again.Parse(en.AppendEvent(nil, e)); err != nil || !reflect.DeepEqual(got, e) {
				t.Fatalf("event %d of %x, accepted as %+v, comes back as %+v, %v", i+1, b, e, got, err)
			}
		}
	})
}

// FuzzFrameReader checks that any byte stream gives frames or an error,
// never a panic or a frame past MaxFrame.
func FuzzFrameReader(f *testing.F) {
	f.Add(AppendFrame(AppendFrame(nil, []byte("ab")), encode(wireSamples()[1])[0]))
	f.Add([]byte{0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		fr := NewFrameReader(bytes.NewReader(b))
		for {
			p, err := fr.Next()
			if err != nil {
				return
			}
			if len(p) > MaxFrame {
				t.Fatalf("frame of %d bytes", len(p))
			}
		}
	})
}

// BenchmarkEncoder encodes what a worker sends for one request, as
// BenchmarkDecoder decodes it, through one Encoder, as a worker does.
func BenchmarkEncoder(b *testing.B) {
	for _, app := range []string{"hello", "framework"} {
		b.Run(app, func(b *testing.B) {
			reqs := workerRequests(app == "framework", streamRequests)
			var en Encoder
			var buf []byte
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				for _, e := range reqs[i%len(reqs)] {
					buf = en.AppendEvent(buf[:0], e)
				}
				i++
			}
		})
	}
}

// BenchmarkDecoder decodes what a worker sends for one request to the
// hello app (/hello): the open, the request's bytes, an environ of
// twenty-one fields, start_response, the body chunk, the answer's bytes
// and the close; and to the framework's app (/framework), which hands
// off seven times more on the way, each hand-off with fields of a name
// of its own. The proxy's port changes from request to request, as it
// does: in the open's remote address, in gunicorn.socket and in
// REMOTE_PORT. The requests come from one Encoder, enough of them to
// fill its table three times; after the last, the first come again, to
// a Decoder of their own.
func BenchmarkDecoder(b *testing.B) {
	for _, app := range []string{"hello", "framework"} {
		b.Run(app, func(b *testing.B) {
			decodeStream(b, encodeStream(workerRequests(app == "framework", streamRequests)), nil)
		})
	}
}

// BenchmarkDecoderRecord decodes a worker's requests as BenchmarkDecoder
// does and records their events, as the pre-fork master does with each
// frame a worker sends.
func BenchmarkDecoderRecord(b *testing.B) {
	r := NewRecorder(0, 0)
	decodeStream(b, encodeStream(workerRequests(false, streamRequests)), r.Record)
}

// decodeStream decodes one of stream's requests each turn of b's loop,
// through one Decoder, and hands each event to use, unless it is nil.
// After the last request, the first come again, to a Decoder of their
// own, as the Encoder's table started empty.
func decodeStream(b *testing.B, stream [][][]byte, use func(Event)) {
	var d Decoder
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(stream) {
			d, i = Decoder{}, 0
		}
		for _, f := range stream[i] {
			if use == nil { // no copy of the event out of Parse
				_, err := d.Parse(f)
				if err != nil {
					b.Fatal(err)
				}
				continue
			}
			e, err := d.Parse(f)
			if err != nil {
				b.Fatal(err)
			}
			use(e)
		}
		i++
	}
}

// streamRequests is how many requests the benchmarks make: with three
// strings of their own each, enough to fill an Encoder's table three
// times.
const streamRequests = 4 * maxKept

// encodeStream encodes reqs' events through one Encoder.
func encodeStream(reqs [][]Event) [][][]byte {
	var en Encoder
	stream := make([][][]byte, len(reqs))
	for i, events := range reqs {
		for _, e := range events {
			stream[i] = append(stream[i], en.AppendEvent(nil, e))
		}
	}
	return stream
}

// workerRequests makes the events of n requests of a worker to the
// hello app, or to the framework's, each from a port of the proxy of its
// own.
func workerRequests(framework bool, n int) [][]Event {
	reqs := make([][]Event, n)
	for i := range reqs {
		reqs[i] = workerRequest(framework, 10000+i%50000)
	}
	return reqs
}

// workerRequest makes the events of a worker's request from port. Its
// names and layers are the same memory from request to request, as a
// worker's constants are; the environ's values are made anew, as a
// worker makes them from each request's head.
func workerRequest(framework bool, port int) []Event {
	p := strconv.Itoa(port)
	env := []Field{
		{"wsgi.errors", "<wsgi.errors>"}, {"wsgi.version", "(1, 0)"}, {"wsgi.multithread", "False"},
		{"wsgi.multiprocess", "True"}, {"wsgi.run_once", "False"}, {"wsgi.file_wrapper", "<wsgi.file_wrapper>"},
		{"wsgi.input_terminated", "True"}, {"SERVER_SOFTWARE", "gunicorn/20.1.0 (ngw2f-lab)"},
		{"wsgi.input", "<wsgi.input>"}, {"gunicorn.socket", "<socket 127.0.0.1:" + p + ">"}, {"REQUEST_METHOD", "GET"},
		{"QUERY_STRING", ""}, {"RAW_URI", "/"}, {"SERVER_PROTOCOL", "HTTP/1.0"}, {"wsgi.url_scheme", "http"},
		{"REMOTE_ADDR", "127.0.0.1"}, {"REMOTE_PORT", p}, {"SERVER_NAME", "127.0.0.1"},
		{"SERVER_PORT", "8000"}, {"PATH_INFO", "/"}, {"SCRIPT_NAME", ""},
	}
	for i := range env {
		env[i].Value = strings.Clone(env[i].Value)
	}
	c := ConnID{PID: workerPID, N: uint64(port)}
	handoff := func(dir Dir, from, to, name string, fields ...Field) Event {
		return Event{Kind: KindHandoff, Layer: "prefork", Conn: c, Dir: dir, From: from, To: to, Name: name, Fields: fields}
	}
	events := []Event{
		{Kind: KindOpen, Layer: "prefork", Conn: c, Side: Server, Local: "127.0.0.1:8000", Remote: "127.0.0.1:" + p},
		{Kind: KindBytes, Layer: "prefork", Conn: c, Dir: Down, Data: []byte("GET / HTTP/1.0\r\nHost: x\r\n\r\n")},
		handoff(Down, "prefork", "gateway", "environ", env...),
	}
	if framework {
		events = append(events,
			handoff(Down, "gateway", "toolkit", "Request(environ)", Field{"method", "GET"}, Field{"path", "/"},
				Field{"url", "http://x/"}, Field{"args", "{}"}, Field{"headers", "2"}),
			handoff(Down, "toolkit", "framework", "url_map.match()", Field{"rule", "/"}, Field{"endpoint", "index"}, Field{"view_args", "{}"}),
			handoff(Down, "toolkit", "framework", "view function", Field{"call", "index()"}),
			handoff(Up, "toolkit", "framework", "return value", Field{"type", "str"}, Field{"value", "'Hello, World! (from Flask)'"}),
			handoff(Up, "toolkit", "framework", "make_response(rv)", Field{"status", "200 OK"}, Field{"mimetype", "text/html"},
				Field{"charset", "utf-8"}, Field{"Content-Length", "26"}),
			handoff(Up, "gateway", "toolkit", "Response", Field{"status", "200 OK"}, Field{"headers", "Content-Type, Content-Length"}),
		)
	}
	events = append(events,
		handoff(Up, "prefork", "gateway", "start_response",
			Field{"status", "200 OK"}, Field{"Content-type", "text/plain"}, Field{"Content-Length", "30"}),
		Event{Kind: KindHandoff, Layer: "prefork", Conn: c, Dir: Up, From: "prefork", To: "gateway", Name: "chunk",
			Data: []byte("Hello, World! (from Gunicorn)\n")},
		Event{Kind: KindBytes, Layer: "prefork", Conn: c, Dir: Up, Data: []byte("HTTP/1.0 200 OK\r\n\r\nHello, World!\n")},
		Event{Kind: KindClose, Layer: "prefork", Conn: c},
	)
	// A worker's PID, and times some microseconds apart, as a worker's
	// clock reads them.
	start := time.Unix(1700000000, 0).Add(time.Duration(port) * time.Millisecond)
	for i := range events {
		events[i].PID = workerPID
		events[i].Time = start.Add(time.Duration(i) * 7 * time.Microsecond)
	}
	return events
}

// workerPID is the PID of the worker whose requests workerRequest makes.
const workerPID = 31337
