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
// its place, which costs less than looking it up: its place in the
// fields of the last events of its name (the nth environ key is the same
// name request after request, and so is the nth header of
// start_response), or in the event that came after the last event of the
// same name as the one before (a worker's events of a request come in
// the same order request after request, so the event after an environ is
// named as it was last time, between the same two layers). A place whose
// string was new to the table last time (a port, which changes with
// every request) skips the table a while: such strings would only fill
// it. A set of places that a malformed event leaves behind only guesses
// worse. The zero Decoder is ready to use; it is not safe for concurrent
// use.
type Decoder struct {
	strings   map[string]string
	head      [headPlaces]place // the first event's own strings (see nameSet.next)
	names     [nameSets]nameSet
	last      *nameSet      // the last event's set: this event's strings are read at its next places
	evict     int           // the set that next makes room for another name
	fieldRuns blocks[Field] // where events' fields are made (see fieldBlock)
}

// place is what a Decoder remembers of one place of a string.
type place struct {
	s string // the string last decoded there
	// skip counts the strings still to be made there without the
	// table, because the last one looked up was new to it.
	skip uint8
}

// nameSet remembers the events of one name: their fields, and the
// event that came after the last of them.
type nameSet struct {
	name   string
	next   [headPlaces]place  // that event's own strings: Layer, From, To, Name, Local, Remote, Err
	after  *nameSet           // that event's set, tried first for the next event after one of this name
	places [fieldPlaces]place // keys and values, in turn
}

// Parse decodes b, refusing what AppendEvent did not encode with an error
// wrapping ErrBadEvent. e.Data is b's memory: it is valid as long as b is.
func (d *Decoder) Parse(b []byte) (e Event, err error) {
	switch {
	case d.strings == nil: // a new Decoder
		d.strings = make(map[string]string, maxShared)
		d.fieldRuns.size = fieldBlock
	case len(d.strings) >= maxShared:
		// Strings that never come back fill the table in time, though
		// their places skip it: start over, in the same table, and share
		// again those that do come back.
		clear(d.strings)
	}
	dec := decoder{b: b, shared: d, head: d.headPlaces()}
	if err := dec.event(&e); err != nil {
		return Event{}, err
	}
	return e, nil
}

// setOf returns where the events named name are remembered, taking
// the place of another name's when name is new.
func (d *Decoder) setOf(name string) *nameSet {
	for i := range d.names {
		if d.names[i].name == name {
			return &d.names[i]
		}
	}
	// The places keep their strings, which only ever compare unequal or
	// equal to a string with the same bytes.
	set := &d.names[d.evict]
	set.name = name
	d.evict = (d.evict + 1) % nameSets
	return set
}

// setAfterLast returns the set of name, for an event after the last one:
// first the set of the event after the last one of the same name, the
// usual case, which costs one comparison.
func (d *Decoder) setAfterLast(name string) *nameSet {
	last := d.last
	if last == nil {
		return d.setOf(name)
	}
	if last.after != nil && last.after.name == name {
		return last.after
	}
	last.after = d.setOf(name)
	return last.after
}

// setName returns the name a Decoder remembers e by: its own, or, for
// an event that has none (bytes, a connection's open or close), its kind
// and direction, which tell what comes after it better than no name: a
// worker's request is read after its open, its environ after it was
// read, and its close after its answer was written.
func setName(e *Event) string {
	if e.Name != "" || int(e.Kind) >= len(unnamed) || int(e.Dir) >= len(unnamed[0]) {
		return e.Name
	}
	return unnamed[e.Kind][e.Dir]
}

// unnamed are the names setName gives events without one, by kind and
// direction: no event's own name, which never starts with a NUL.
var unnamed = func() (names [KindLog + 1][Up + 1]string) {
	for k := range names {
		for d := range names[k] {
			names[k][d] = "\x00" + Kind(k).String() + "/" + Dir(d).String()
		}
	}
	return names
}()

// headPlaces returns the places where the event to decode next reads its
// own strings: those of the event that came after the last one of the
// name the last event had.
func (d *Decoder) headPlaces() *[headPlaces]place {
	if d.last != nil {
		return &d.last.next
	}
	return &d.head
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

// Strings longer than maxSharedLen are not shared, and a Decoder shares
// at most maxShared of them at a time. It remembers the places of
// nameSets names of events (see setName), as many as a request through
// the framework's app has (ten, an open, bytes each way and a close),
// each the keys and values of up to thirty-two fields, as many as an
// environ has. A place whose string was new to the table makes the next
// skipNew strings there without it.
// The fields of events are made in blocks of fieldBlock (see blocks): an
// event's go there when they are at most an eighth of it, sixty-four, as
// an environ's and a start_response's are (one with many headers has
// more than thirty-two).
const (
	maxSharedLen = 64
	maxShared    = 1024
	headPlaces   = 7
	nameSets     = 16
	fieldPlaces  = 64
	skipNew      = 8
	fieldBlock   = 512
)

// event decodes into e, which is zero, the event d reads. It fills e in
// place: an event is some two hundred bytes, which a result would copy
// on its way out.
func (d *decoder) event(e *Event) error {
	if v := d.byte(); v != wireVersion {
		return d.fail(fmt.Sprintf("version %d", v))
	}
	if t := d.varint(); t != 0 {
		e.Time = time.Unix(0, t)
	}
	e.PID = int(d.varint())
	e.Layer = d.string(0)
	e.Conn.PID = int(d.varint())
	e.Conn.N = d.uvarint()
	e.Kind, e.Dir, e.Side = Kind(d.byte()), Dir(d.byte()), Side(d.byte())
	e.From, e.To, e.Name, e.Local, e.Remote = d.string(1), d.string(2), d.string(3), d.string(4), d.string(5)
	var set *nameSet
	if d.shared != nil {
		set = d.shared.setAfterLast(setName(e))
	}
	if data := d.bytes(); len(data) > 0 {
		e.Data = data
	}
	e.Omitted = d.varint()
	n := d.uvarint()
	if n > uint64(len(d.b)) { // each field takes two bytes at least
		return d.fail("field count past the end")
	}
	if n > 0 && d.err == nil {
		if set != nil {
			e.Fields = d.shared.fieldRuns.take(int(n))
		} else {
			e.Fields = make([]Field, n)
		}
		for i := range e.Fields {
			f := &e.Fields[i]
			f.Key = d.field(set, 2*i)
			f.Value = d.field(set, 2*i+1)
		}
	}
	e.Err = d.string(6)
	if set != nil {
		d.shared.last = set
	}
	switch {
	case d.err != nil:
		return d.err
	case len(d.b) > 0:
		return d.fail(fmt.Sprintf("%d bytes left over", len(d.b)))
	case e.Kind < KindOpen || e.Kind > KindLog:
		return d.fail(fmt.Sprintf("kind %d", e.Kind))
	case e.Dir > Up || e.Side > Client:
		return d.fail("direction or side out of range")
	case e.Omitted < 0:
		return d.fail("a negative count of omitted bytes")
	}
	return nil
}

// decoder reads the parts of an encoded event; the first error sticks,
// leaves nothing more to read, and every later read returns zero values.
type decoder struct {
	b      []byte
	err    error
	shared *Decoder           // whose strings to share; nil for none
	head   *[headPlaces]place // where the event's own strings are read, when shared
}

func (d *decoder) fail(what string) error {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrBadEvent, what)
	}
	d.b = nil
	return d.err
}

// The reads below take the case most of an event's parts are, a number
// or a length of one byte, in a few instructions, and leave the rest to a
// function of their own.

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
	if len(d.b) > 0 && d.b[0] < 0x80 { // one byte: -64 to 63, zigzagged
		v := int64(d.b[0]>>1) ^ -int64(d.b[0]&1)
		d.b = d.b[1:]
		return v
	}
	return d.longVarint()
}

func (d *decoder) longVarint() int64 {
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
	return d.longUvarint()
}

func (d *decoder) longUvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	if len(d.b) > 0 && d.b[0] < 0x80 && int(d.b[0]) < len(d.b) { // a one-byte length, within
		n := int(d.b[0]) + 1
		out := d.b[1:n:n]
		d.b = d.b[n:]
		return out
	}
	return d.longBytes()
}

func (d *decoder) longBytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("length past the end")
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

// string reads the event's own string at place i of d.head.
func (d *decoder) string(i int) string {
	if d.shared == nil {
		return string(d.bytes())
	}
	return d.placed(&d.head[i])
}

// field reads the key or value at place i of set, which is nil when d
// shares no strings.
func (d *decoder) field(set *nameSet, i int) string {
	switch {
	case set == nil:
		return string(d.bytes())
	case i >= fieldPlaces:
		return d.placed(nil)
	}
	return d.placed(&set.places[i])
}

// placed reads a string to share whose place is at, or nil for none.
func (d *decoder) placed(at *place) string {
	if b := d.b; at != nil && len(b) > 0 && int(b[0]) < len(b) {
		// A one-byte length (at.s is never longer than maxSharedLen),
		// within: often the string last read at its place.
		if n := int(b[0]) + 1; at.s == string(b[1:n]) {
			d.b = b[n:]
			return at.s
		}
	}
	return d.share(at, d.bytes())
}

// share returns b, read at place at, or nil for none, as a string: one
// from the table when b is short and the place does not skip it.
func (d *decoder) share(at *place, b []byte) string {
	sh := d.shared
	switch {
	case len(b) == 0 || len(b) > maxSharedLen:
		return string(b)
	case at == nil:
		return sh.lookUp(b)
	}
	var s string
	if at.skip > 0 {
		at.skip--
		s = string(b)
	} else if t, ok := sh.strings[string(b)]; ok {
		s = t
	} else {
		s = string(b)
		sh.strings[s] = s
		at.skip = skipNew
	}
	at.s = s
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
	if n <= uint64(fr.br.Size()) {
		// The frame fits in the reader's buffer: it is read there, not
		// copied out, and stays until the next read.
		p, err := fr.br.Peek(int(n))
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("trace: reading a frame: %w", err)
		}
		fr.br.Discard(len(p))
		return p, nil
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
