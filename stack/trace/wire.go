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
// payload. An event's payload is:
//
//   - a version byte;
//   - a byte of flags, one for each part of the header (PID, Layer, Conn,
//     From, To, Name, Local, Remote) that is the same as in the previous
//     event of the stream, and so is not sent;
//   - a byte holding Kind (its low four bits), Dir (the next two) and
//     Side (the top two);
//   - the time in nanoseconds since 1970 (0 for none), as a varint of its
//     difference from the previous event's;
//   - the parts of the header not flagged, in that order: integers as
//     varints, Conn as its PID and N, strings as below;
//   - Data as a uvarint length and the bytes, Omitted as a varint, then
//     Fields as a uvarint v and Err. Fields may be said against those of
//     the last event of the same Name that had any, among the last few
//     names (namedRuns): v = 1 says they are the same; v&3 = 3 that v>>2
//     of them differ, each then given after its place, in order. An even
//     v is v>>1 key and value pairs.
//
// A worker's events come in runs that share most of their header (a
// request's hand-offs, on one connection, between the same layers), which
// then costs the Decoder a byte rather than eight reads; and but for the
// environ, a hand-off of one name has the same fields request after
// request, which then cost a byte, and the lab's process no memory.
//
// A string is a uvarint v, and for some the bytes after it:
//
//   - v = 0: the empty string;
//   - v odd: the string numbered v>>1 in the table both ends keep;
//   - v even: the v>>2 bytes that follow; when v&2 is set, both ends then
//     add the string to their table, as the next number.
//
// An Encoder puts in the table the short strings it sends (a layer's
// name, an environ key or value), so that those that come back, most of
// them request after request, go as a number. When the table is full, the
// next string to add empties it first, at both ends.

// wireVersion is the first byte of an encoded event.
const wireVersion = 6

// MaxFrame is the largest frame a FrameReader accepts: a frame is one
// event, and no layer reads more than this in one go.
const MaxFrame = 1 << 24

// Strings longer than maxKeptLen are sent as they are, and the table
// holds at most maxKept strings. The fields of events are made in
// blocks of fieldBlock (see blocks): an event's go there when they are at
// most an eighth of it, sixty-four, as an environ's and a
// start_response's are (one with many headers has more than thirty-two).
const (
	maxKeptLen = 64
	maxKept    = 4096
	fieldBlock = 512
)

// An Encoder encodes the events of one stream, such as a worker's pipe,
// for the Decoder at its other end: a string it sent before goes as its
// number in the table they both keep. The events must reach that Decoder
// in the order they were encoded, every one of them. The zero Encoder is
// ready to use; it is not safe for concurrent use.
type Encoder struct {
	last    header            // the previous event's, which the next may share
	runs    namedRuns         // the fields last sent under a few names, copied
	numbers map[string]uint64 // the table: each string's number
	// recent remembers the strings last sent, each in a slot chosen by
	// its length and three of its bytes: found there, a string costs a
	// comparison, none when it is the same memory (a layer's name, an
	// environ key), rather than a look-up in numbers, which hashes all
	// its bytes.
	recent [recentSlots]sent
}

// sent is a string in the table, and its number.
type sent struct {
	s string
	n uint64
}

// recentSlots is how many strings an Encoder's recent holds: several
// times the strings a request sends again, so that few of them take
// the same slot.
const (
	recentBits  = 10
	recentSlots = 1 << recentBits
)

// recentSlot returns where s, which is not empty, is looked for in
// recent: the top bits of its length and three of its bytes, mixed.
func recentSlot(s string) uint32 {
	h := uint32(len(s)) | uint32(s[0])<<8 | uint32(s[len(s)/2])<<16 | uint32(s[len(s)-1])<<24
	return h * 0x9e3779b1 >> (32 - recentBits)
}

// AppendEvent appends the wire encoding of e, without its frame length,
// to dst. Seq is not encoded: the receiving Recorder numbers events anew.
func (en *Encoder) AppendEvent(dst []byte, e Event) []byte {
	var t int64
	if !e.Time.IsZero() {
		t = e.Time.UnixNano()
	}
	last := &en.last
	same := last.same(&e)
	dst = append(dst, wireVersion, same, byte(e.Kind)|byte(e.Dir)<<4|byte(e.Side)<<6)
	dst = binary.AppendVarint(dst, t-last.time)
	if same&samePID == 0 {
		dst = binary.AppendVarint(dst, int64(e.PID))
	}
	if same&sameConn == 0 {
		dst = binary.AppendVarint(dst, int64(e.Conn.PID))
		dst = binary.AppendUvarint(dst, e.Conn.N)
	}
	for i, s := range [...]string{e.Layer, e.From, e.To, e.Name, e.Local, e.Remote} {
		if same&(sameLayer<<i) == 0 {
			dst = en.appendString(dst, s)
		}
	}
	*last = header{time: t, pid: e.PID, conn: e.Conn, layer: e.Layer, from: e.From, to: e.To, name: e.Name, local: e.Local, remote: e.Remote}
	dst = binary.AppendUvarint(dst, uint64(len(e.Data)))
	dst = append(dst, e.Data...)
	dst = binary.AppendVarint(dst, e.Omitted)
	dst = en.appendFields(dst, e.Name, e.Fields)
	return en.appendString(dst, e.Err)
}

// appendFields appends an event's fields: a flag when they are those last
// sent under its name; those of them that differ, when they are few, as
// an environ's are from one request to the next (its client's port); else
// each key and value. The Encoder keeps a copy of what it sent, as the
// caller may make the next event's fields in the same memory.
func (en *Encoder) appendFields(dst []byte, name string, fields []Field) []byte {
	if len(fields) == 0 {
		return append(dst, 0)
	}
	i := en.runs.find(name)
	if i >= 0 && len(en.runs.fields[i]) == len(fields) {
		last := en.runs.fields[i]
		changed := 0
		for k := range fields {
			if fields[k] != last[k] {
				changed++
			}
		}
		if changed == 0 {
			return append(dst, 1)
		}
		if changed <= len(fields)/2 {
			dst = binary.AppendUvarint(dst, uint64(changed)<<2|3)
			for k, f := range fields {
				if f != last[k] {
					dst = binary.AppendUvarint(dst, uint64(k))
					dst = en.appendString(dst, f.Key)
					dst = en.appendString(dst, f.Value)
					last[k] = f
				}
			}
			return dst
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(fields))<<1)
	for _, f := range fields {
		dst = en.appendString(dst, f.Key)
		dst = en.appendString(dst, f.Value)
	}
	i = en.runs.place(i, name)
	en.runs.fields[i] = append(en.runs.fields[i][:0], fields...)
	return dst
}

// namedRuns are the fields of the last events with fields under a few
// names, both ends of a stream keeping the same: a new name takes the
// place of the oldest.
type namedRuns struct {
	names  [namedRunSlots]string
	fields [namedRunSlots][]Field // nil: a slot not taken yet
	oldest int
}

// namedRunSlots is how many names' fields a stream remembers: more than
// a request to the framework's app hands off under names of their own.
const namedRunSlots = 16

// find returns the slot of name's fields, or -1.
func (r *namedRuns) find(name string) int {
	for i := range r.names {
		if r.fields[i] != nil && r.names[i] == name {
			return i
		}
	}
	return -1
}

// place returns the slot for name's fields: i, where find found them,
// or the oldest's.
func (r *namedRuns) place(i int, name string) int {
	if i >= 0 {
		return i
	}
	i = r.oldest
	r.oldest = (r.oldest + 1) % namedRunSlots
	r.names[i], r.fields[i] = name, nil
	return i
}

// header is the part of an event the next of its stream may share.
type header struct {
	time                                 int64 // nanoseconds since 1970, 0 for none
	pid                                  int
	conn                                 ConnID
	layer, from, to, name, local, remote string
}

// The flags of an event's second byte: which parts of its header are
// the previous event's, in the order the header is sent.
const (
	samePID byte = 1 << iota
	sameConn
	sameLayer
	sameFrom
	sameTo
	sameName
	sameLocal
	sameRemote
)

// Kind, Dir and Side share a byte: four bits, two and two.
const (
	_ = uint(15 - KindLog)
	_ = uint(3 - Up)
	_ = uint(3 - Client)
)

// same returns the flags of the parts of e's header that are h's.
func (h *header) same(e *Event) byte {
	var f byte
	for i, is := range [...]bool{
		e.PID == h.pid, e.Conn == h.conn, e.Layer == h.layer, e.From == h.from,
		e.To == h.to, e.Name == h.name, e.Local == h.local, e.Remote == h.remote,
	} {
		if is {
			f |= 1 << i
		}
	}
	return f
}

func (en *Encoder) appendString(dst []byte, s string) []byte {
	switch {
	case s == "":
		return append(dst, 0)
	case len(s) > maxKeptLen:
		dst = binary.AppendUvarint(dst, uint64(len(s))<<2)
		return append(dst, s...)
	}
	slot := &en.recent[recentSlot(s)]
	if slot.s == s {
		return binary.AppendUvarint(dst, slot.n<<1|1)
	}
	n, ok := en.numbers[s]
	if !ok {
		*slot = sent{s, en.add(s)}
		dst = binary.AppendUvarint(dst, uint64(len(s))<<2|2)
		return append(dst, s...)
	}
	*slot = sent{s, n}
	return binary.AppendUvarint(dst, n<<1|1)
}

// add numbers s, emptying the table first when it is full.
func (en *Encoder) add(s string) uint64 {
	if len(en.numbers) == maxKept {
		clear(en.numbers)
		en.recent = [recentSlots]sent{}
	}
	if en.numbers == nil {
		en.numbers = make(map[string]uint64, maxKept)
	}
	n := uint64(len(en.numbers))
	en.numbers[s] = n
	return n
}

// ErrBadEvent is wrapped by the errors a Decoder returns for bytes that
// are not an encoded event: a wrong version, an unknown kind, direction or
// side, a length running past the end, a string numbered past the table,
// or bytes left over.
var ErrBadEvent = errors.New("trace: malformed event")

// A Decoder decodes the events of one stream, such as a worker's pipe,
// that an Encoder encoded, each in its turn. A string the Encoder sent
// before is the one the Decoder made then, shared by the events that
// have it, and the Data of the event returned shares the bytes it was
// given, as a Sink expects (Record copies it). The zero Decoder is ready
// to use; it is not safe for concurrent use.
type Decoder struct {
	last      header        // the previous event's, which the next may share
	runs      namedRuns     // the fields last decoded under a few names
	table     []string      // the strings numbered, in turn
	fieldRuns blocks[Field] // where events' fields are made (see fieldBlock)
}

// Parse decodes b, refusing what an Encoder did not encode with an error
// wrapping ErrBadEvent. e.Data is b's memory: it is valid as long as b is.
// After an error the Decoder no longer follows its stream.
func (d *Decoder) Parse(b []byte) (e Event, err error) {
	if d.table == nil {
		d.table = make([]string, 0, maxKept)
		d.fieldRuns.size = fieldBlock
	}
	dec := decoder{b: b, stream: d}
	if err := dec.event(&e); err != nil {
		return Event{}, err
	}
	return e, nil
}

// event decodes into e, which is zero, the event d reads. It fills e in
// place: an event is some two hundred bytes, which a result would copy
// on its way out.
func (d *decoder) event(e *Event) error {
	if v := d.byte(); v != wireVersion {
		return d.fail(fmt.Sprintf("version %d", v))
	}
	same, kds := d.byte(), d.byte()
	e.Kind, e.Dir, e.Side = Kind(kds&15), Dir(kds>>4&3), Side(kds>>6)
	h := &d.stream.last
	if h.time += d.varint(); h.time != 0 {
		e.Time = time.Unix(0, h.time)
	}
	if same&samePID == 0 {
		h.pid = int(d.varint())
	}
	if same&sameConn == 0 {
		h.conn = ConnID{PID: int(d.varint()), N: d.uvarint()}
	}
	for i, s := range [...]*string{&h.layer, &h.from, &h.to, &h.name, &h.local, &h.remote} {
		if same&(sameLayer<<i) == 0 {
			*s = d.string()
		}
	}
	e.PID, e.Conn = h.pid, h.conn
	e.Layer, e.From, e.To, e.Name, e.Local, e.Remote = h.layer, h.from, h.to, h.name, h.local, h.remote
	if data := d.bytes(); len(data) > 0 {
		e.Data = data
	}
	e.Omitted = d.varint()
	e.Fields = d.fields(e.Name)
	e.Err = d.string()
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

// fields reads the fields of an event named name (see appendFields).
func (d *decoder) fields(name string) []Field {
	v := d.uvarint()
	runs := &d.stream.runs
	switch n := v >> 1; {
	case v == 0 || d.err != nil:
		return nil
	case v&1 == 0:
		if n > uint64(len(d.b)) { // each field takes two bytes at least
			d.fail("field count past the end")
			return nil
		}
		fields := d.stream.fieldRuns.take(int(n))
		for i := range fields {
			f := &fields[i]
			f.Key = d.string()
			f.Value = d.string()
		}
		runs.fields[runs.place(runs.find(name), name)] = fields
		return fields
	}
	i := runs.find(name)
	switch {
	case i < 0:
		d.fail(fmt.Sprintf("the fields last sent as %q, none yet", name))
		return nil
	case v == 1:
		return runs.fields[i]
	case v&3 != 3:
		d.fail(fmt.Sprintf("fields %d", v))
		return nil
	}
	return d.changedFields(&runs.fields[i], v>>2)
}

// changedFields reads n fields that differ from those in *last, each
// after its place, and makes *last the fields they make. The fields
// before are left as they are: events hold them.
func (d *decoder) changedFields(last *[]Field, n uint64) []Field {
	if n == 0 || n > uint64(len(*last)) {
		d.fail(fmt.Sprintf("%d fields changed of %d", n, len(*last)))
		return nil
	}
	fields := d.stream.fieldRuns.take(len(*last))
	copy(fields, *last)
	next := uint64(0) // the first place a change may be at
	for range n {
		k := d.uvarint()
		if k < next || k >= uint64(len(fields)) {
			d.fail(fmt.Sprintf("a change at field %d", k))
			return nil
		}
		next = k + 1
		fields[k].Key = d.string()
		fields[k].Value = d.string()
	}
	*last = fields
	return fields
}

// decoder reads the parts of an encoded event; the first error sticks,
// leaves nothing more to read, and every later read returns zero values.
type decoder struct {
	b      []byte
	err    error
	stream *Decoder // the stream's: its table and where fields are made
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

// bytes reads a length and that many bytes.
func (d *decoder) bytes() []byte {
	return d.next(d.uvarint())
}

// next reads n bytes.
func (d *decoder) next(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.fail("length past the end")
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

// string reads a string: one of the table, or bytes, which it adds to
// the table when the Encoder did.
func (d *decoder) string() string {
	v := d.uvarint()
	switch {
	case v == 0:
		return ""
	case v&1 == 1:
		if i := v >> 1; i < uint64(len(d.stream.table)) {
			return d.stream.table[i]
		}
		d.fail(fmt.Sprintf("string %d of a table of %d", v>>1, len(d.stream.table)))
		return ""
	}
	b := d.next(v >> 2)
	if v&2 == 0 || d.err != nil {
		return string(b)
	}
	if len(b) == 0 || len(b) > maxKeptLen {
		d.fail("a string to number that the table does not hold")
		return ""
	}
	s := string(b)
	if len(d.stream.table) == maxKept {
		d.stream.table = d.stream.table[:0]
	}
	d.stream.table = append(d.stream.table, s)
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
