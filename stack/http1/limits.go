package http1

// Limits bounds what a Reader accepts in a message head, and says whose
// rules it reads a request by (Dialect). The zero value sets no limit at
// all and reads by nginx's rules.
//
// Two kinds of limit can be combined. Packing models how nginx stores a
// request head: its lines go, whole and in order, into a first buffer of
// FirstBuffer bytes; a line that does not fit in what is left of the
// current buffer starts a new buffer of LargeBuffer bytes, of which there
// are at most LargeBuffers; the empty line that ends the head must fit too.
// Simple limits cap each line and the number of header lines on their own,
// as gunicorn does. Line lengths always count the line's end (CRLF or LF).
type Limits struct {
	// FirstBuffer is the size of the buffer a request head starts in
	// (nginx's client_header_buffer_size). Zero turns packing off.
	FirstBuffer int
	// LargeBuffer is the size of each further buffer
	// (large_client_header_buffers' size). With packing on, it is also the
	// longest line accepted: a longer request line is refused with 414, a
	// longer header line, or one that finds no room, with 400 ("Request
	// Header Or Cookie Too Large").
	LargeBuffer int
	// LargeBuffers is how many further buffers a head may take
	// (large_client_header_buffers' number).
	LargeBuffers int

	// MaxRequestLine is the longest request line; zero means no limit of
	// its own. A longer one is refused with 414.
	MaxRequestLine int
	// MaxHeaderLine is the longest header line; zero means no limit of its
	// own. A longer one is refused with 400.
	MaxHeaderLine int
	// MaxHeaders is the most valid header lines a request may have; lines
	// marked Invalid do not count. Zero means no limit. One more is refused
	// with 400, "Request Header Or Cookie Too Large" on nginx's page.
	MaxHeaders int

	// UnderscoresInHeaders accepts '_' in header names (nginx's
	// underscores_in_headers). When false, such a line is kept but marked
	// Invalid.
	UnderscoresInHeaders bool

	// MaxResponseHead is the most bytes a response's status line and
	// headers may take (nginx's proxy_buffer_size); zero means no limit.
	MaxResponseHead int

	// Dialect says whose rules a request is read by: nginx's (the zero
	// value) or gunicorn's. Under Gunicorn, packing is off and the simple
	// limits count as gunicorn counts them (see GunicornLimits).
	Dialect Dialect
}

// Dialect is the program whose rules a Reader reads requests by: each
// layer of the lab reads as the program it mirrors.
type Dialect uint8

const (
	// Nginx reads requests as nginx 1.22 does (see the package comment).
	Nginx Dialect = iota
	// Gunicorn reads requests as gunicorn 20.1.0 does (gunicorn.go):
	// lines end at CR LF only, the request line is three parts split on
	// single spaces, any token is a method (upper-cased) and any
	// HTTP/digits.digits a version, header names are tokens, values keep
	// what follows them, and errors are worded as gunicorn's error page
	// words them.
	Gunicorn
)

// NginxLimits returns the limits of nginx 1.22 with its default
// configuration: client_header_buffer_size 1k, large_client_header_buffers
// 4 8k, at most 1000 header lines, underscores_in_headers off, and
// proxy_buffer_size 4k for an upstream's response head. These were measured
// against Debian's nginx 1.22.1: a request line of 8192 bytes is accepted
// and one of 8193 is refused with 414; the same for a header line with 400.
func NginxLimits() Limits {
	return Limits{
		FirstBuffer:     1024,
		LargeBuffer:     8192,
		LargeBuffers:    4,
		MaxHeaders:      1000,
		MaxResponseHead: 4096,
	}
}

// GunicornLimits returns the limits of gunicorn 20.1.0 with its default
// settings, read by its rules (Dialect Gunicorn): limit_request_line 4094,
// counted without the line's CR LF; limit_request_field_size 8190,
// counted with it and with the header's continuation lines; and
// limit_request_fields 100. These were measured against Debian's gunicorn
// 20.1.0: a request line of 4094 bytes is served and one of 4095 refused,
// a header line of 8190 bytes with its CR LF is served and one of 8191
// refused, 100 header lines are served and 101 refused.
func GunicornLimits() Limits {
	return Limits{
		Dialect:              Gunicorn,
		MaxRequestLine:       4094,
		MaxHeaderLine:        8190,
		MaxHeaders:           100,
		UnderscoresInHeaders: true,
	}
}

// packing is where a request head stands in the buffers of the packing
// model.
type packing struct {
	lim   *Limits
	left  int // bytes left in the current buffer
	large int // large buffers taken so far
}

func newPacking(lim *Limits, leading int) packing {
	p := packing{lim: lim}
	if lim.FirstBuffer > 0 {
		// Empty lines before the request line take room in the first
		// buffer; nginx starts it afresh each time they fill it.
		p.left = lim.FirstBuffer - leading%lim.FirstBuffer
	}
	return p
}

// fit places a line of n bytes and reports whether it found room.
func (p *packing) fit(n int) bool {
	if p.lim.FirstBuffer <= 0 {
		return true
	}
	if n <= p.left {
		p.left -= n
		return true
	}
	if n > p.lim.LargeBuffer || p.large >= p.lim.LargeBuffers {
		return false
	}
	p.large++
	p.left = p.lim.LargeBuffer - n
	return true
}

// longestLine returns the longest line that may come next: the most that
// packing could place, capped by max. Zero means no limit at all, and -1
// that no buffer has room left for even one byte.
func (p *packing) longestLine(max int) int {
	if p.lim.FirstBuffer <= 0 {
		return max
	}
	n := p.left
	if p.large < p.lim.LargeBuffers && p.lim.LargeBuffer > n {
		n = p.lim.LargeBuffer
	}
	if n == 0 {
		return -1
	}
	if max > 0 && max < n {
		n = max
	}
	return n
}
