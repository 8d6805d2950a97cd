package http1

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/internal/pystr"
)

// This file reads a request head by gunicorn 20.1.0's rules (Dialect
// Gunicorn), as Debian's gunicorn 20.1.0-6+deb12u1 has them in
// gunicorn/http/message.py:
//
//   - A line ends at CR LF only; a bare LF or CR is a byte of the line.
//     Nothing is skipped before the request line: an empty line is a
//     request line, and an invalid one.
//   - The request line is judged as soon as its CR LF arrives: split on
//     single spaces into exactly three parts, a method that is a token
//     (TOKEN_RE; gunicorn upper-cases it), a target urlsplit can split, and
//     a version HTTP/digits.digits (VERSION_RE), any of them.
//   - The header block is read whole, up to its CR LF CR LF, before any line
//     of it is judged; then line by line: at most limit_request_fields
//     lines; a name before a colon, upper-cased, that is a token; the value
//     with spaces and tabs before it dropped and everything after it kept;
//     lines starting with a space or a tab continue the header before
//     them, joined with a space; each header at most
//     limit_request_field_size bytes with its CR LFs.
//   - Framing: one Content-Length, a number as Python's int() reads one and
//     not negative; Transfer-Encoding chunked (once), identity before it,
//     or nothing else; chunked only from HTTP/1.1 on and never with a
//     Content-Length.
//
// A refused request gives an *Error whose Detail is the message gunicorn's
// error page shows (400), or, for a transfer coding gunicorn does not
// support, what it raised (its worker answers 500 with an empty page).

// gunicorn's bounds on its settings (message.py).
const (
	gunicornMaxRequestLine = 8190  // MAX_REQUEST_LINE
	gunicornMaxHeaders     = 32768 // MAX_HEADERS
	gunicornFieldSize      = 8190  // DEFAULT_MAX_HEADERFIELD_SIZE
)

// gunicornLimits are Limits as gunicorn's Request settles its settings:
// the request line, the number of headers, the size of one header (0: no
// limit), and the most bytes the header block may take.
type gunicornLimits struct {
	line, fields, fieldSize, buffer int
}

func (l *Limits) gunicorn() gunicornLimits {
	g := gunicornLimits{line: l.MaxRequestLine, fields: l.MaxHeaders, fieldSize: l.MaxHeaderLine}
	if g.line < 0 || g.line >= gunicornMaxRequestLine {
		g.line = gunicornMaxRequestLine
	}
	if g.fields <= 0 || g.fields > gunicornMaxHeaders {
		g.fields = gunicornMaxHeaders
	}
	if g.fieldSize < 0 {
		g.fieldSize = gunicornFieldSize
	}
	size := g.fieldSize
	if size == 0 {
		size = gunicornFieldSize
	}
	g.buffer = g.fields*(size+2) + 4
	return g
}

// gunicornError is a request gunicorn answers 400, with mesg on its page.
func gunicornError(mesg string) *Error {
	return &Error{Status: 400, Reason: reasonBadRequest, Detail: mesg}
}

func errGunicornHeaders(what string) *Error {
	return gunicornError("Error parsing headers: '" + what + "'")
}

func errGunicornHeader(name string) *Error {
	return gunicornError(pystr.Repr("Invalid HTTP Header: ", name))
}

func errGunicornLine(line []byte) *Error {
	return gunicornError("Invalid Request Line '" + pystr.Repr("Invalid HTTP request line: ", string(line)) + "'")
}

// readGunicornRequest is ReadRequest by gunicorn's rules.
func (r *Reader) readGunicornRequest() (*Request, error) {
	if _, err := r.br.Peek(1); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("http1: reading request: %w", err)
	}
	g := r.lim.gunicorn()
	r.head = r.head[:0]
	r.spans = r.spans[:0]
	if err := r.readGunicornRequestLine(g.line); err != nil {
		return nil, err
	}
	lineEnd := len(r.head) - 2
	rl, e := parseGunicornRequestLine(r.head[:lineEnd])
	if e != nil {
		return nil, e
	}
	start := len(r.head)
	if err := r.readGunicornBlock(start, g.buffer); err != nil {
		return nil, err
	}
	herr := r.parseGunicornHeaders(start, len(r.head)-2, g)
	req := r.newRequest(rl)
	req.Method = strings.ToUpper(req.Method)
	if herr != nil {
		return req, herr
	}
	if err := gunicornFraming(req); err != nil {
		return req, err
	}
	r.armBody(req)
	return req, nil
}

// readGunicornRequestLine reads onto r.head up to and including the first
// CR LF, and refuses a line longer than limit (0: no limit) as gunicorn's
// read_line does: as soon as the line has arrived, or, before that, as
// soon as more than limit+2 of its bytes have.
func (r *Reader) readGunicornRequestLine(limit int) error {
	tooLarge := func(n int) error {
		return gunicornError(fmt.Sprintf("Request Line is too large (%d > %d)", n, limit))
	}
	for {
		frag, err := r.br.ReadSlice('\n')
		r.head = append(r.head, frag...)
		n := len(r.head)
		if n >= 2 && r.head[n-2] == '\r' && r.head[n-1] == '\n' {
			if limit > 0 && n-2 > limit {
				return tooLarge(n - 2)
			}
			return nil
		}
		if limit > 0 && n-2 > limit {
			return tooLarge(n)
		}
		if err != nil && err != bufio.ErrBufferFull {
			return truncated("request line", err)
		}
	}
}

// readGunicornBlock reads the header block from start onto r.head: up to
// and including the first CR LF CR LF, or only a CR LF when the block
// starts with one (no headers).
func (r *Reader) readGunicornBlock(start, max int) error {
	for {
		frag, err := r.br.ReadSlice('\n')
		r.head = append(r.head, frag...)
		block := r.head[start:]
		if bytes.HasPrefix(block, crlf) {
			return nil // ReadSlice stopped at its LF: the block is that CR LF
		}
		if bytes.HasSuffix(block, []byte("\r\n\r\n")) {
			return nil
		}
		if len(block) > max {
			return errGunicornHeaders("max buffer headers")
		}
		if err != nil && err != bufio.ErrBufferFull {
			return truncated("header", err)
		}
	}
}

var crlf = []byte("\r\n")

// tokenChars marks the bytes of an HTTP token: !#$%&'*+-.^_`|~, digits
// and ASCII letters (gunicorn's TOKEN_RE).
var tokenChars = func() (t [256]bool) {
	for _, c := range []byte("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t[c] = true
	}
	return t
}()

// isToken reports whether b is one or more token bytes.
func isToken(b []byte) bool {
	for _, c := range b {
		if !tokenChars[c] {
			return false
		}
	}
	return len(b) > 0
}

// parseGunicornRequestLine judges a request line, without its CR LF, as
// gunicorn's parse_request_line does.
func parseGunicornRequestLine(line []byte) (rl requestLine, e *Error) {
	i := bytes.IndexByte(line, ' ')
	j := -1
	if i >= 0 {
		j = bytes.IndexByte(line[i+1:], ' ')
	}
	if j < 0 {
		return rl, errGunicornLine(line)
	}
	j += i + 1
	method, target, version := line[:i], line[i+1:j], line[j+1:]
	if !isToken(method) {
		return rl, gunicornError("Invalid Method '" + pystr.Repr("Invalid HTTP method: ", string(method)) + "'")
	}
	if _, _, err := SplitTarget(string(target)); err != nil {
		return rl, errGunicornLine(line)
	}
	major, minor, ok := gunicornVersion(version)
	if !ok {
		return rl, gunicornError("Invalid HTTP Version '" + pystr.Repr("Invalid HTTP Version: ", string(version)) + "'")
	}
	rl.method, rl.target, rl.proto = span{0, i}, span{i + 1, j}, span{j + 1, len(line)}
	rl.major, rl.minor = major, minor
	return rl, nil
}

// gunicornVersion matches VERSION_RE, HTTP/(\d+)\.(\d+), and returns its
// numbers, each at most maxVersion (Python's have no bound).
func gunicornVersion(v []byte) (major, minor int, ok bool) {
	rest, found := bytes.CutPrefix(v, []byte("HTTP/"))
	a, b, dot := bytes.Cut(rest, []byte("."))
	if !found || !dot {
		return 0, 0, false
	}
	major, okA := digits(a)
	minor, okB := digits(b)
	return major, minor, okA && okB
}

// maxVersion bounds a version number gunicorn reads.
const maxVersion = 1 << 30

// digits reads one or more ASCII digits, saturating at maxVersion.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = min(n*10+int(c-'0'), maxVersion)
	}
	return n, len(b) > 0
}

// parseGunicornHeaders judges the header lines in r.head[start:end] (the
// block less its last CR LF) one after another, as gunicorn's
// parse_headers does, and keeps each in r.spans. It stops at the first
// line refused.
func (r *Reader) parseGunicornHeaders(start, end int, g gunicornLimits) error {
	var lines []span
	for i := start; i < end; {
		j := bytes.Index(r.head[i:end], crlf)
		if j < 0 {
			j = end - i
		}
		lines = append(lines, span{i, i + j})
		i += j + 2
	}
	for k := 0; k < len(lines); {
		if len(r.spans) >= g.fields {
			return errGunicornHeaders("limit request headers fields")
		}
		ln := lines[k]
		k++
		line := r.head[ln.start:ln.end]
		size := len(line) + 2
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return errGunicornHeader(string(line))
		}
		name, ok := pystr.Upper(line[:colon])
		switch {
		case !isToken([]byte(name)) && !ok:
			return fmt.Errorf("%w: %s", ErrUnanswerable, pystr.Repr("Invalid HTTP header name: ", name))
		case !isToken([]byte(name)):
			return gunicornError(pystr.Repr("Invalid HTTP header name: ", name))
		}
		f := field{name: span{ln.start, ln.start + colon}, value: trimSpan(r.head, span{ln.start + colon + 1, ln.end}, true, false)}
		for k < len(lines) && lines[k].end > lines[k].start && isBlank(r.head[lines[k].start]) {
			more := lines[k]
			k++
			size += more.end - more.start + 2
			if g.fieldSize > 0 && size > g.fieldSize {
				return errGunicornHeaders("limit request headers fields size")
			}
			f.more = append(f.more, trimSpan(r.head, more, true, true))
		}
		if g.fieldSize > 0 && size > g.fieldSize {
			return errGunicornHeaders("limit request headers fields size")
		}
		r.spans = append(r.spans, f)
	}
	return nil
}

// ErrUnanswerable is wrapped by the error for a request gunicorn refuses
// and cannot answer: its error page is encoded as latin-1, and a header
// name upper-cased to a character outside it (µ and ÿ become Greek Mu and
// Y with diaeresis) makes that fail, so the client gets no answer at all.
var ErrUnanswerable = errors.New("http1: gunicorn's error page cannot be written in latin-1")

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// trimSpan drops spaces and tabs from the start and, when right is set,
// from the end of s.
func trimSpan(b []byte, s span, left, right bool) span {
	for left && s.start < s.end && isBlank(b[s.start]) {
		s.start++
	}
	for right && s.end > s.start && isBlank(b[s.end-1]) {
		s.end--
	}
	return s
}

// gunicornFraming works out how a request's body is delimited, with
// gunicorn's rules (set_body_reader).
func gunicornFraming(req *Request) *Error {
	req.ContentLength = -1
	var length string
	hasLength, chunked := false, false
	for _, h := range req.Headers {
		switch strings.ToUpper(h.Name) {
		case "CONTENT-LENGTH":
			if hasLength {
				return errGunicornHeader("CONTENT-LENGTH")
			}
			length, hasLength = h.Value, true
		case "TRANSFER-ENCODING":
			switch v := h.Value; {
			case strings.EqualFold(v, "chunked"):
				if chunked {
					return errGunicornHeader("TRANSFER-ENCODING")
				}
				chunked = true
			case strings.EqualFold(v, "identity"):
				if chunked {
					return errGunicornHeader("TRANSFER-ENCODING")
				}
			default:
				return &Error{Status: 500, Reason: "Internal Server Error",
					Detail: pystr.Repr("Unsupported transfer coding: ", v)}
			}
		}
	}
	switch {
	case chunked && (req.Major < 1 || req.Major == 1 && req.Minor < 1):
		return errGunicornHeader("TRANSFER-ENCODING")
	case chunked && hasLength:
		return errGunicornHeader("CONTENT-LENGTH")
	case chunked:
		req.Chunked = true
	case hasLength:
		n, ok := pystr.Int(length)
		if !ok || n < 0 {
			return errGunicornHeader("CONTENT-LENGTH")
		}
		req.ContentLength = n
	}
	return nil
}
