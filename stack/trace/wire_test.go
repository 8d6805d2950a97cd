package trace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
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

func TestEventRoundTrip(t *testing.T) {
	t.Parallel()
	for _, e := range wireSamples() {
		t.Run(e.Kind.String(), func(t *testing.T) {
			t.Parallel()
			got, err := ParseEvent(AppendEvent(nil, e))
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

func TestDecoder(t *testing.T) {
	t.Parallel()
	var d Decoder
	environ := AppendEvent(nil, wireSamples()[2])
	first, err := d.Parse(environ)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := d.Parse(append([]byte(nil), environ...))
	if unsafe.StringData(first.Fields[0].Key) != unsafe.StringData(second.Fields[0].Key) {
		t.Error("an environ key that comes again is made again, not shared")
	}
	bytesEvent := AppendEvent(nil, wireSamples()[1])
	e, _ := d.Parse(bytesEvent)
	// After Data: Omitted, the count of fields and Err, a byte each.
	if len(e.Data) == 0 || &e.Data[0] != &bytesEvent[len(bytesEvent)-len(e.Data)-3] {
		t.Error("Data is a copy, not the bytes given")
	}
	// Past the table's bound, strings that never come back are still
	// decoded right.
	for i := range 3 * maxShared {
		want := Event{Kind: KindOpen, Local: "127.0.0.1:8000", Remote: fmt.Sprintf("127.0.0.1:%d", i)}
		got, err := d.Parse(AppendEvent(nil, want))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("event %d: got %+v, %v; want %+v", i, got, err, want)
		}
		if i == maxShared {
			// A place whose strings are new each time skips the table,
			// as good as never filling it.
			if n := len(d.strings); n > maxShared/skipNew+10 {
				t.Errorf("after %d ports, %d strings in the table", i, n)
			}
		}
	}
	// The table started over meanwhile; a key at the place where it came
	// before is still shared, found at its place.
	third, _ := d.Parse(append([]byte(nil), environ...))
	if unsafe.StringData(first.Fields[0].Key) != unsafe.StringData(third.Fields[0].Key) {
		t.Error("an environ key that comes again at its place is made again, not shared")
	}
}

// TestDecoderPlacesFieldsByName decodes events with fields of two names
// in turn, as a worker sends an environ and a start_response with each
// request: each name's keys and values are found at their places, not
// in the table, which here is emptied between requests.
func TestDecoderPlacesFieldsByName(t *testing.T) {
	t.Parallel()
	environ := AppendEvent(nil, wireSamples()[2])
	start := AppendEvent(nil, Event{Kind: KindHandoff, Dir: Up, Name: "start_response",
		Fields: []Field{{"status", "200 OK"}, {"Content-Type", "text/plain"}}})
	var d Decoder
	var first [2]Event
	for i := range 3 {
		for j, b := range [][]byte{environ, start} {
			e, err := d.Parse(append([]byte(nil), b...))
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first[j] = e
				continue
			}
			for k, f := range e.Fields {
				was := first[j].Fields[k]
				if unsafe.StringData(f.Key) != unsafe.StringData(was.Key) || unsafe.StringData(f.Value) != unsafe.StringData(was.Value) {
					t.Errorf("request %d: %s field %d made again, not shared", i+1, e.Name, k)
				}
			}
		}
		clear(d.strings)
	}
}

// TestDecoderReadsARequestInTurn decodes a worker's events of requests
// to the framework's app, ten names in turn, each request with a port of
// its own: each event is read as ParseEvent reads it, and each event's own
// strings are those of the event after the last one named as the event
// before was, shared, not looked up in the table, which is emptied
// between requests. The first request has no places yet, and the
// second's open comes after a close for the first time: from the third
// on, every string is shared.
func TestDecoderReadsARequestInTurn(t *testing.T) {
	t.Parallel()
	req := newWorkerRequest(true)
	var d Decoder
	var last []Event
	for i := range 5 {
		var this []Event
		for k, f := range req.next() {
			want, err := ParseEvent(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Parse(f)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("request %d, event %d: got %+v, %v; want %+v", i+1, k+1, got, err, want)
			}
			this = append(this, got)
			if i < 2 {
				continue
			}
			for _, s := range [][2]string{{got.Layer, last[k].Layer}, {got.From, last[k].From}, {got.To, last[k].To}, {got.Name, last[k].Name}} {
				if s[0] != "" && unsafe.StringData(s[0]) != unsafe.StringData(s[1]) {
					t.Errorf("request %d, event %d: %q made again, not shared", i+1, k+1, s[0])
				}
			}
		}
		last = this
		clear(d.strings)
	}
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
	var d Decoder
	var got []Event
	for i := range 5 * fieldBlock / 10 { // through several blocks
		want := wants[i%len(wants)]
		e, err := d.Parse(AppendEvent(nil, Event{Kind: KindHandoff, Dir: Down, Name: "environ", Fields: want}))
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

func TestParseEventRefuses(t *testing.T) {
	t.Parallel()
	good := AppendEvent(nil, wireSamples()[2])
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"wrong version", append([]byte{9}, good[1:]...)},
		{"truncated", good[:len(good)-3]},
		{"trailing bytes", append(append([]byte(nil), good...), 0)},
		{"unknown kind", AppendEvent(nil, Event{Kind: 99})},
		{"zero kind", AppendEvent(nil, Event{})},
		{"bad direction", AppendEvent(nil, Event{Kind: KindBytes, Dir: 7})},
		{"negative omitted count", AppendEvent(nil, Event{Kind: KindBytes, Dir: Up, Omitted: -1})},
		{"huge length", []byte{wireVersion, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ParseEvent(tt.b); !errors.Is(err, ErrBadEvent) {
				t.Errorf("err = %v, want ErrBadEvent", err)
			}
			var d Decoder
			if _, err := d.Parse(tt.b); !errors.Is(err, ErrBadEvent) {
				t.Errorf("Decoder: err = %v, want ErrBadEvent", err)
			}
		})
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

// FuzzParseEvent feeds the decoder bytes from nowhere, as a broken or
// hostile worker process could send: it must never panic, and whatever it
// accepts must survive being encoded and decoded again unchanged, and a
// Decoder must read it as ParseEvent does.
func FuzzParseEvent(f *testing.F) {
	for _, e := range wireSamples() {
		f.Add(AppendEvent(nil, e))
	}
	f.Add([]byte{wireVersion})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEvent(b)
		var d Decoder
		if shared, serr := d.Parse(b); (serr == nil) != (err == nil) || !reflect.DeepEqual(shared, e) {
			t.Fatalf("Decoder read %x as %+v, %v; ParseEvent as %+v, %v", b, shared, serr, e, err)
		}
		// Again, its strings now looked for where the event after one of
		// its name had them.
		if shared, serr := d.Parse(b); (serr == nil) != (err == nil) || !reflect.DeepEqual(shared, e) {
			t.Fatalf("Decoder read %x again as %+v, %v; ParseEvent as %+v, %v", b, shared, serr, e, err)
		}
		if err != nil {
			return
		}
		again, err := ParseEvent(AppendEvent(nil, e))
		if err != nil || !reflect.DeepEqual(again, e) {
			t.Fatalf("accepted %x as %+v, which comes back as %+v, %v", b, e, again, err)
		}
	})
}

// FuzzFrameReader checks that any byte stream gives frames or an error,
// never a panic or a frame past MaxFrame.
func FuzzFrameReader(f *testing.F) {
	f.Add(AppendFrame(AppendFrame(nil, []byte("ab")), AppendEvent(nil, wireSamples()[1])))
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

// ParseEvent decodes an event that AppendEvent encoded, afresh: the
// reference the Decoder is held to. It refuses
// anything else with an error wrapping ErrBadEvent: a wrong version, an
// unknown kind, direction or side, a length running past the end, or
// bytes left over. The event's Data and strings do not share b's memory.
func ParseEvent(b []byte) (Event, error) {
	var e Event
	d := decoder{b: b}
	if err := d.event(&e); err != nil {
		return Event{}, err
	}
	if len(e.Data) > 0 {
		e.Data = append([]byte(nil), e.Data...)
	}
	return e, nil
}

// BenchmarkDecoder decodes what a worker sends for one request to the
// hello app (/hello): the open, the request's bytes, an environ of
// twenty-one fields, start_response, the body chunk, the answer's bytes
// and the close; and to the framework's app (/framework), which hands
// off seven times more on the way, each hand-off with fields of a name
// of its own. The proxy's port changes from request to request, as it
// does: in the open's remote address, in gunicorn.socket and in
// REMOTE_PORT.
func BenchmarkDecoder(b *testing.B) {
	for _, bc := range []struct {
		name      string
		framework bool
	}{{"hello", false}, {"framework", true}} {
		b.Run(bc.name, func(b *testing.B) {
			req := newWorkerRequest(bc.framework)
			var d Decoder
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range req.next() {
					if _, err := d.Parse(f); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkDecoderRecord decodes a worker's request as BenchmarkDecoder
// does and records its events, as the pre-fork master does with each
// frame a worker sends.
func BenchmarkDecoderRecord(b *testing.B) {
	req := newWorkerRequest(false)
	var d Decoder
	r := NewRecorder(0, 0)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range req.next() {
			e, err := d.Parse(f)
			if err != nil {
				b.Fatal(err)
			}
			r.Record(e)
		}
	}
}

// workerRequest is the encoded events of a worker's request to the hello
// app, or to the framework's, from a port of the proxy that next changes.
type workerRequest struct {
	frames [][]byte
	ports  [][]byte // where the port is written in frames
	n      int
	port   [5]byte
}

func newWorkerRequest(framework bool) *workerRequest {
	const port = "10000"
	env := []Field{
		{"wsgi.errors", "<wsgi.errors>"}, {"wsgi.version", "(1, 0)"}, {"wsgi.multithread", "False"},
		{"wsgi.multiprocess", "True"}, {"wsgi.run_once", "False"}, {"wsgi.file_wrapper", "<wsgi.file_wrapper>"},
		{"wsgi.input_terminated", "True"}, {"SERVER_SOFTWARE", "gunicorn/20.1.0 (ngw2f-lab)"},
		{"wsgi.input", "<wsgi.input>"}, {"gunicorn.socket", "<socket 127.0.0.1:" + port + ">"}, {"REQUEST_METHOD", "GET"},
		{"QUERY_STRING", ""}, {"RAW_URI", "/"}, {"SERVER_PROTOCOL", "HTTP/1.0"}, {"wsgi.url_scheme", "http"},
		{"REMOTE_ADDR", "127.0.0.1"}, {"REMOTE_PORT", port}, {"SERVER_NAME", "127.0.0.1"},
		{"SERVER_PORT", "8000"}, {"PATH_INFO", "/"}, {"SCRIPT_NAME", ""},
	}
	c := ConnID{41, 1}
	handoff := func(dir Dir, from, to, name string, fields ...Field) Event {
		return Event{Kind: KindHandoff, Layer: "prefork", Conn: c, Dir: dir, From: from, To: to, Name: name, Fields: fields}
	}
	events := []Event{
		{Kind: KindOpen, Layer: "prefork", Conn: c, Side: Server, Local: "127.0.0.1:8000", Remote: "127.0.0.1:" + port},
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
	r := &workerRequest{}
	for _, e := range events {
		e.PID, e.Time = 41, time.Unix(1700000000, 0)
		f := AppendEvent(nil, e)
		r.frames = append(r.frames, f)
		for rest := f; bytes.Contains(rest, []byte(port)); {
			i := bytes.Index(rest, []byte(port))
			r.ports = append(r.ports, rest[i:i+len(port)])
			rest = rest[i+len(port):]
		}
	}
	return r
}

// next writes the next port in r's frames, and returns them.
func (r *workerRequest) next() [][]byte {
	r.n++
	port := strconv.AppendInt(r.port[:0], int64(10000+r.n%90000), 10)
	for _, p := range r.ports {
		copy(p, port)
	}
	return r.frames
}
