package http1

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// readBufferSize is the size of the bufio.Reader a Reader makes.
const readBufferSize = 4096

// Reader reads HTTP/1.x messages, one after another, from a connection.
// It reads ahead into its buffer, so a pipelined request that follows the
// current one stays in the Reader for the next ReadRequest.
//
// A Reader is not safe for use by several goroutines at once.
type Reader struct {
	// Reuse makes ReadRequest and ReadResponse make each message in the
	// memory of the last one of its kind the Reader returned, when its
	// headers fit there, rather than allocate it anew: a message is then
	// valid only until the next of its kind is read. A proxy's reader of
	// request after request, each done with before the next, so allocates
	// no message.
	Reuse bool

	br  *bufio.Reader
	lim Limits

	head    []byte  // the current head's bytes, reused from message to message
	spans   []field // where the current head's headers are in head
	body    *body   // the last message's body, finished before the next head
	pending []byte  // what a ReadResponse read and could not use

	lastRequest  kept[Request]  // for Reuse
	lastResponse kept[Response] // for Reuse
}

// kept is the last message of its kind a Reader returned, and the room
// for headers made with it, for the next to reuse.
type kept[M any] struct {
	msg  *M
	room Headers
}

// message returns a message for a head of n headers, and the Headers it
// is to hold: k's last one, cleared, if r reuses its messages and they
// fit; else a new one, which k keeps when r reuses them.
func message[M any](r *Reader, k *kept[M], n int) (*M, Headers) {
	var m *M
	var room Headers
	switch {
	case !r.Reuse:
		m, room = newMessage[M](n)
	case k.msg == nil || n > cap(k.room):
		k.msg, k.room = newMessage[M](n)
		m, room = k.msg, k.room
	default:
		var zero M
		*k.msg = zero
		m, room = k.msg, k.room
	}
	if n == 0 {
		return m, nil
	}
	return m, room[:n:n]
}

// field is a header line's place in a Reader's head buffer. more are
// the lines that continue its value, which gunicorn's rules join to it
// with a space.
type field struct {
	name, value span
	invalid     bool
	more        []span
}

// NewReader returns a Reader that reads from r with the limits lim. When r
// is a *bufio.Reader of at least 4096 bytes, it is used as it is.
func NewReader(r io.Reader, lim Limits) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < readBufferSize {
		br = bufio.NewReaderSize(r, readBufferSize)
	}
	return &Reader{br: br, lim: lim}
}

// Reset makes the Reader read from src, dropping what it had buffered, so
// that one Reader can serve connection after connection.
func (r *Reader) Reset(src io.Reader) {
	r.br.Reset(src)
	r.body = nil
	r.pending = nil
}

// SetLimits makes the Reader read its next messages with the limits lim,
// so that a pooled Reader can serve callers with limits of their own.
func (r *Reader) SetLimits(lim Limits) { r.lim = lim }

// Buffered returns how many bytes the Reader has read from the connection
// that no message has used yet, such as a pipelined request.
func (r *Reader) Buffered() int { return r.br.Buffered() }

// ReadRequest reads the next request's head and returns the request, with
// a Body that reads its body. It first reads to its end any body of the
// previous message that the caller left unread. What follows describes
// nginx's rules; the Limits' Dialect may say gunicorn's (gunicorn.go).
//
// Empty lines before the request line are skipped, as nginx does. It
// returns io.EOF when the peer closed the connection before sending any
// byte but such empty lines, and an error wrapping io.ErrUnexpectedEOF when
// the peer closed it in the middle of a head. A request that nginx would
// refuse gives an *Error that says how nginx answers; when the request line
// could be read, the request so far (its method, target and version) comes
// back with it, so that a server can word its answer (with no status line
// for HTTP/0.9) and its log.
func (r *Reader) ReadRequest() (*Request, error) {
	if err := r.finishBody(); err != nil {
		return nil, err
	}
	if r.lim.Dialect == Gunicorn {
		return r.readGunicornRequest()
	}
	leading, err := r.skipEmptyLines()
	if err != nil {
		return nil, err
	}
	r.head = r.head[:0]
	r.spans = r.spans[:0]
	pack := newPacking(&r.lim, leading)

	rl, parsed, err := r.readRequestLine(&pack)
	if !parsed {
		return nil, err
	}
	if rl.major == 0 {
		// An HTTP/0.9 simple request has no headers and no body.
		return r.newRequest(rl), err
	}
	herr := r.readHeaders(&pack, headerRules{underscores: r.lim.UnderscoresInHeaders})
	if herr != nil && !isSyntaxError(herr) {
		return nil, herr
	}
	req := r.newRequest(rl)
	if herr != nil {
		return req, herr
	}
	if e := requestFraming(req); e != nil {
		return req, e
	}
	r.armBody(req)
	return req, nil
}

// armBody sets the reader to read req's body as its framing says: chunks,
// a length, or nothing.
func (r *Reader) armBody(req *Request) {
	switch {
	case req.Chunked:
		req.body.mode = bodyChunked
		req.body.trailers = &req.Trailers
	case req.ContentLength > 0:
		req.body.mode = bodyLength
		req.body.left = req.ContentLength
	}
	r.body = &req.body
}

// isSyntaxError reports whether err is an *Error, rather than a failure
// to read.
func isSyntaxError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// finishBody reads the rest of the previous message's body.
func (r *Reader) finishBody() error {
	if r.body == nil {
		return nil
	}
	b := r.body
	r.body = nil
	_, err := io.Copy(io.Discard, b)
	return err
}

// skipEmptyLines skips CR and LF bytes before a request line and returns
// how many there were.
func (r *Reader) skipEmptyLines() (int, error) {
	n := 0
	for {
		c, err := r.br.ReadByte()
		if err != nil {
			if err == io.EOF {
				return n, io.EOF
			}
			return n, fmt.Errorf("http1: reading request: %w", err)
		}
		if c != '\r' && c != '\n' {
			return n, r.br.UnreadByte()
		}
		n++
	}
}

// readRequestLine reads and parses the request line into r.head. It
// reports whether it could take the line apart: true for a good line, and
// for an HTTP/0.9 line with a method other than GET, which nginx refuses.
func (r *Reader) readRequestLine(pack *packing) (rl requestLine, parsed bool, err error) {
	max := pack.longestLine(r.lim.MaxRequestLine)
	if max < 0 {
		return rl, false, errTooLongURI()
	}
	line, tooLong, err := r.readLine(max)
	if tooLong {
		if _, _, e := parseRequestLine(bytesTrimCR(line), true); e != nil {
			return rl, false, e
		}
		return rl, false, errTooLongURI()
	}
	if err != nil {
		return rl, false, truncated("request line", err)
	}
	pack.fit(len(line) + 1)
	rl, ok, e := parseRequestLine(line, false)
	if e != nil {
		return rl, rl.major == 0 && rl.minor == 9, e
	}
	return rl, ok, nil
}

func errTooLongURI() *Error {
	return &Error{Status: 414, Reason: reasonURITooLarge, Detail: "client sent too long URI"}
}

// readHeaders reads header lines up to the empty line into r.head and
// r.spans. A request's lines are packed in pack and counted; a response's
// (pack is nil) are bounded by MaxResponseHead.
func (r *Reader) readHeaders(pack *packing, rules headerRules) error {
	request := pack != nil
	count := 0
	for {
		max, err := r.nextLineLimit(pack)
		if err != nil {
			return err
		}
		start := len(r.head)
		line, tooLong, err := r.readLine(max)
		switch {
		case tooLong && !request:
			return badUpstream("upstream sent too big header")
		case tooLong:
			if _, _, e := parseHeaderLine(bytesTrimCR(line), true, rules); e != nil {
				return e
			}
			return headerTooLarge("client sent too long header line")
		case err != nil:
			return truncated("header", err)
		case request && !pack.fit(len(line)+1):
			return headerTooLarge("client sent too long header line")
		case len(line) == 0 || len(line) == 1 && line[0] == '\r':
			return nil // the empty line that ends the head
		}
		h, _, e := parseHeaderLine(line, false, rules)
		if e != nil {
			return e
		}
		r.spans = append(r.spans, field{name: h.name.shift(start), value: h.value.shift(start), invalid: h.invalid})
		if h.invalid || !request {
			continue
		}
		count++
		if r.lim.MaxHeaders > 0 && count > r.lim.MaxHeaders {
			return headerTooLarge("client sent too many header lines")
		}
		if r.repeats("Content-Length", "Transfer-Encoding") {
			return badRequest("client sent duplicate header line")
		}
	}
}

// nextLineLimit returns the longest header line that may come next, or 0
// for no limit. A request's comes from packing; a response's from what is
// left of MaxResponseHead.
func (r *Reader) nextLineLimit(pack *packing) (int, error) {
	if pack != nil {
		max := pack.longestLine(r.lim.MaxHeaderLine)
		if max < 0 {
			return 0, headerTooLarge("client sent too long header line")
		}
		return max, nil
	}
	if r.lim.MaxResponseHead <= 0 {
		return 0, nil
	}
	max := r.lim.MaxResponseHead - len(r.head)
	if max <= 0 {
		return 0, badUpstream("upstream sent too big header")
	}
	return max, nil
}

// repeats reports whether the last header read is one of the unique
// names, which nginx allows only once, and a valid header before it has
// the same name.
func (r *Reader) repeats(unique ...string) bool {
	last := r.spans[len(r.spans)-1]
	n := r.head[last.name.start:last.name.end]
	for _, u := range unique {
		if !equalFold(n, u) {
			continue
		}
		for _, f := range r.spans[:len(r.spans)-1] {
			if !f.invalid && equalFold(r.head[f.name.start:f.name.end], u) {
				return true
			}
		}
	}
	return false
}

// equalFold reports whether b and s are equal without regard to ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if b[i]|0x20 != s[i]|0x20 {
			return false
		}
	}
	return true
}

func (s span) shift(by int) span { return span{s.start + by, s.end + by} }

// newMessage returns a new message and the room for the n Headers it is
// to hold: nil for none; up to 16 in the message's own allocation, in
// room for 2, 4, 6, 8, 12 or 16, which costs about the bytes two
// allocations would and one allocation less; more in a slice of their
// own.
func newMessage[M any](n int) (*M, Headers) {
	switch {
	case n == 0:
		return new(M), nil
	case n <= 2:
		return boxed[M](func(a *[2]Header) []Header { return a[:] })
	case n <= 4:
		return boxed[M](func(a *[4]Header) []Header { return a[:] })
	case n <= 6:
		return boxed[M](func(a *[6]Header) []Header { return a[:] })
	case n <= 8:
		return boxed[M](func(a *[8]Header) []Header { return a[:] })
	case n <= 12:
		return boxed[M](func(a *[12]Header) []Header { return a[:] })
	case n <= 16:
		return boxed[M](func(a *[16]Header) []Header { return a[:] })
	}
	return new(M), make(Headers, n)
}

// boxed allocates a message together with an array A of headers, and
// returns the message and all of A as a slice.
func boxed[M, A any](all func(*A) []Header) (*M, Headers) {
	b := new(struct {
		msg M
		hs  A
	})
	return &b.msg, all(&b.hs)
}

// newRequest returns the Request whose head is in r.head: one string
// holds the whole head and every field is a part of it.
func (r *Reader) newRequest(rl requestLine) *Request {
	req, hs := message(r, &r.lastRequest, len(r.spans))
	s := r.finishHead(hs)
	req.Body = &req.body
	req.Headers = hs
	req.HeadSize = len(s)
	req.Method = s[rl.method.start:rl.method.end]
	req.Target = s[rl.target.start:rl.target.end]
	req.Proto = s[rl.proto.start:rl.proto.end]
	req.line = s[rl.method.start:max(rl.target.end, rl.proto.end)]
	req.Major, req.Minor = rl.major, rl.minor
	req.ContentLength = -1
	req.body = body{r: r}
	return req
}

// finishHead turns r.head into one string, fills hs, as long as r.spans,
// with the headers, parts of that string, and returns the string.
func (r *Reader) finishHead(hs Headers) string {
	s := string(r.head)
	for i, f := range r.spans {
		hs[i] = Header{Name: s[f.name.start:f.name.end], Value: s[f.value.start:f.value.end], Invalid: f.invalid}
		for _, m := range f.more {
			hs[i].Value += " " + s[m.start:m.end]
		}
	}
	return s
}

// readLine reads one line, up to and including its LF, onto the end of
// r.head, and returns it without the LF (a CR before it is kept). When the
// line with its LF would be longer than max (max > 0), it stops and
// returns the line's first max bytes with tooLong set. At the end of the
// input it returns what it read and the error.
func (r *Reader) readLine(max int) (line []byte, tooLong bool, err error) {
	start := len(r.head)
	for {
		frag, err := r.br.ReadSlice('\n')
		if max > 0 && len(r.head)-start+len(frag) > max {
			r.head = append(r.head, frag[:max-(len(r.head)-start)]...)
			return r.head[start:], true, nil
		}
		r.head = append(r.head, frag...)
		switch err {
		case nil:
			return r.head[start : len(r.head)-1], false, nil
		case bufio.ErrBufferFull:
			continue
		}
		return r.head[start:], false, err
	}
}

// truncated wraps an error met while reading part of a head.
func truncated(what string, err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("http1: reading %s: %w", what, err)
}
