package trace

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// The wire encoding carries events from a worker process to the lab's
// process over a pipe. A frame is a uvarint length and that many bytes of
// payload; an event's payload is a version byte and then every field of
// the Event but Seq, in the order the struct declares them: integers as
// varints, strings and Data as a uvarint length and the bytes, Fields as a
// count and then key and value pairs.

// wireVersion is the first byte of an encoded event.
const wireVersion = 2

// MaxFrame is the largest frame a FrameReader accepts: a frame is one
// event, and no layer reads more than this in one go.
const MaxFrame = 1 << 24

// AppendEvent appends the wire encoding of e, without its frame length,
// to dst. Seq is not encoded: the receiving Recorder numbers events anew.
func AppendEvent(dst []byte, e Event) []byte {
	dst = append(dst, wireVersion)
	var t int64
	if !e.Time.IsZero() {
		t = e.Time.UnixNano()
	}
	dst = binary.AppendVarint(dst, t)
	dst = binary.AppendVarint(dst, int64(e.PID))
	dst = appendString(dst, e.Layer)
	dst = binary.AppendVarint(dst, int64(e.Conn.PID))
	dst = binary.AppendUvarint(dst, e.Conn.N)
	dst = append(dst, byte(e.Kind), byte(e.Dir), byte(e.Side))
	for _, s := range [...]string{e.From, e.To, e.Name, e.Local, e.Remote} {
		dst = appendString(dst, s)
	}
	dst = binary.AppendUvarint(dst, uint64(len(e.Data)))
	dst = append(dst, e.Data...)
	dst = binary.AppendVarint(dst, e.Omitted)
	dst = binary.AppendUvarint(dst, uint64(len(e.Fields)))
	for _, f := range e.Fields {
		dst = appendString(dst, f.Key)
		dst = appendString(dst, f.Value)
	}
	return appendString(dst, e.Err)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// ErrBadEvent is wrapped by the errors a Decoder returns for bytes that
// are not an encoded event: a wrong version, an unknown kind, direction or
// side, a length running past the end, or bytes left over.
var ErrBadEvent = errors.New("trace: malformed event")

// A Decoder decodes the events of one stream, such as a worker's pipe,
// that AppendEvent encoded, for less than decoding each afresh: the
// strings that come back event after event (layer names, environ keys, a
// hand-off's name) are made once and shared, and the Data of the event
// returned shares the bytes it was given, as a Sink expects (Record
// copies it). A string is first compared with the one last decoded at
// its place in an event (the nth environ key is the same name request
// after request), which costs less than looking it up. A place whose
// string was new to the table last time (a port, which changes with
// every request) skips the table a while: such strings would only fill
// it. The zero Decoder is ready to use; it is not safe for concurrent
// use.
type Decoder struct {
	strings map[string]string
	placed  [maxPlaced]string // the string last decoded at each place in an event
	// skip counts, for each place, the strings still to be made there
	// without the table, because the last one looked up was new to it.
	skip [maxPlaced]uint8
}

// Parse decodes b, refusing what AppendEvent did not encode with an error
// wrapping ErrBadEvent. e.Data is b's memory: it is valid as long as b is.
func (d *Decoder) Parse(b []byte) (e Event, err error) {
	switch {
	case d.strings == nil:
		d.strings = make(map[string]string, maxShared)
	case len(d.strings) >= maxShared:
		// Strings that never come back fill the table in time, though
		// their places skip it: start over, in the same table, and share
		// again those that do come back.
		clear(d.strings)
	}
	return parseEvent(decoder{b: b, shared: d})
}

// Strings longer than maxSharedLen are not shared, and a Decoder shares
// at most maxShared of them at a time. It remembers the strings of the
// first maxPlaced places in an event: its seven strings and the keys and
// values of some thirty fields, as many as an environ has. A place whose
// string was new to the table makes the next skipNew strings there
// without it.
const (
	maxSharedLen = 64
	maxShared    = 1024
	maxPlaced    = 64
	skipNew      = 8
)

func parseEvent(d decoder) (Event, error) {
	var e Event
	if v := d.byte(); v != wireVersion {
		return e, d.fail(fmt.Sprintf("version %d", v))
	}
	if t := d.varint(); t != 0 {
		e.Time = time.Unix(0, t)
	}
	e.PID = int(d.varint())
	e.Layer = d.string()
	e.Conn.PID = int(d.varint())
	e.Conn.N = d.uvarint()
	e.Kind, e.Dir, e.Side = Kind(d.byte()), Dir(d.byte()), Side(d.byte())
	e.From, e.To, e.Name, e.Local, e.Remote = d.string(), d.string(), d.string(), d.string(), d.string()
	if data := d.bytes(); len(data) > 0 {
		e.Data = data
	}
	e.Omitted = d.varint()
	n := d.uvarint()
	if n > uint64(len(d.b)) { // each field takes two bytes at least
		return e, d.fail("field count past the end")
	}
	if n > 0 && d.err == nil {
		e.Fields = make([]Field, n)
		for i := range e.Fields {
			f := &e.Fields[i]
			f.Key = d.string()
			f.Value = d.string()
		}
	}
	e.Err = d.string()
	switch {
	case d.err != nil:
		return Event{}, d.err
	case len(d.b) > 0:
		return Event{}, d.fail(fmt.Sprintf("%d bytes left over", len(d.b)))
	case e.Kind < KindOpen || e.Kind > KindLog:
		return Event{}, d.fail(fmt.Sprintf("kind %d", e.Kind))
	case e.Dir > Up || e.Side > Client:
		return Event{}, d.fail("direction or side out of range")
	case e.Omitted < 0:
		return Event{}, d.fail("a negative count of omitted bytes")
	}
	return e, nil
}

// decoder reads the parts of an encoded event; the first error sticks,
// leaves nothing more to read, and every later read returns zero values.
type decoder struct {
	b      []byte
	err    error
	shared *Decoder // whose strings to share; nil for none
	place  int      // the place of the next string in the event
}

func (d *decoder) fail(what string) error {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrBadEvent, what)
	}
	d.b = nil
	return d.err
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail("truncated")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	if len(d.b) > 0 && d.b[0] < 0x80 { // one byte, as most lengths are
		v := uint64(d.b[0])
		d.b = d.b[1:]
		return v
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("length past the end")
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) string() string {
	b := d.bytes()
	place := d.place
	d.place++
	sh := d.shared
	if len(b) == 0 || sh == nil || len(b) > maxSharedLen {
		return string(b)
	}
	if place >= maxPlaced {
		return sh.lookUp(b)
	}
	if s := sh.placed[place]; s == string(b) {
		return s
	}
	var s string
	if sh.skip[place] > 0 {
		sh.skip[place]--
		s = string(b)
	} else if t, ok := sh.strings[string(b)]; ok {
		s = t
	} else {
		s = string(b)
		sh.strings[s] = s
		sh.skip[place] = skipNew
	}
	sh.placed[place] = s
	return s
}

// lookUp returns b as a string from d's table, adding it when new.
func (d *Decoder) lookUp(b []byte) string {
	s, ok := d.strings[string(b)]
	if !ok {
		s = string(b)
		d.strings[s] = s
	}
	return s
}

// AppendFrame appends payload to dst as one frame: its length as a
// uvarint, then its bytes.
func AppendFrame(dst, payload []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(payload)))
	return append(dst, payload...)
}

// FrameReader reads frames that AppendFrame wrote, one after another.
type FrameReader struct {
	br  *bufio.Reader
	buf []byte
}

// NewFrameReader returns a FrameReader reading from r.
func NewFrameReader(r io.Reader) *FrameReader {
	return &FrameReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next frame's payload, valid until the following call.
// It returns io.EOF at a clean end between frames, and an error wrapping
// io.ErrUnexpectedEOF or ErrBadEvent for a stream that breaks off or
// announces a frame larger than MaxFrame.
func (fr *FrameReader) Next() ([]byte, error) {
	n, err := binary.ReadUvarint(fr.br)
	switch {
	case err == io.EOF:
		return nil, io.EOF
	case err != nil:
		return nil, fmt.Errorf("trace: reading a frame: %w", err)
	case n > MaxFrame:
		return nil, fmt.Errorf("%w: frame of %d bytes", ErrBadEvent, n)
	}
	if uint64(cap(fr.buf)) < n {
		fr.buf = make([]byte, n)
	}
	fr.buf = fr.buf[:n]
	if _, err := io.ReadFull(fr.br, fr.buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("trace: reading a frame: %w", err)
	}
	return fr.buf, nil
}
