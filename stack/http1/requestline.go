package http1

// This file parses a request line the way nginx 1.22 does
// (ngx_http_parse_request_line), one byte after another, so that the same
// lines are accepted and the same errors found first.

// span is a part of the head: the bytes from start up to end.
type span struct{ start, end int }

// requestLine is a parsed request line; its spans index the line.
type requestLine struct {
	method, target, proto span
	major, minor          int
}

func errInvalidMethod() *Error  { return badRequest("client sent invalid method") }
func errInvalidRequest() *Error { return badRequest("client sent invalid request") }

// parseRequestLine parses line, a request line without its LF. When
// partial is set, line is only the start of a line too long to read whole,
// less a CR at its end (which the LF may or may not follow): running out of
// bytes is then no error, and a nil error with ok false says that nothing
// was wrong so far, so that the line's length is.
func parseRequestLine(line []byte, partial bool) (rl requestLine, ok bool, err *Error) {
	p := lineParser{line: line, partial: partial}

	// The method: capital letters, '_' and '-', then one space.
	for p.more() && isMethodChar(p.peek()) {
		p.i++
	}
	if !p.more() {
		return rl, false, p.cut(errInvalidMethod())
	}
	if p.i == 0 || p.peek() != ' ' {
		return rl, false, errInvalidMethod()
	}
	rl.method = span{0, p.i}

	// Spaces, then the target.
	p.skipSpaces()
	if !p.more() {
		return rl, false, p.cut(errInvalidRequest())
	}
	start := p.i
	if e := p.target(); e != nil || !p.more() && partial {
		return rl, false, e
	}
	rl.target = span{start, p.i}

	// Spaces, then the version; a line that ends here is HTTP/0.9.
	p.skipSpaces()
	if p.atEnd() {
		if partial {
			return rl, false, nil
		}
		rl.major, rl.minor = 0, 9
		if string(line[rl.method.start:rl.method.end]) != "GET" {
			return rl, false, badRequest("client sent invalid method in HTTP/0.9 request")
		}
		return rl, true, nil
	}
	start = p.i
	if e := p.version(&rl); e != nil {
		return rl, false, e
	}
	rl.proto = span{start, p.i}
	return rl, !partial, nil
}

// lineParser walks a line byte by byte.
type lineParser struct {
	line    []byte
	i       int
	partial bool
}

func (p *lineParser) more() bool { return p.i < len(p.line) }
func (p *lineParser) peek() byte { return p.line[p.i] }

// cut returns nil when the line ran out because it is only a part of
// one, and err otherwise.
func (p *lineParser) cut(err *Error) *Error {
	if p.partial {
		return nil
	}
	return err
}

func (p *lineParser) skipSpaces() {
	for p.more() && p.peek() == ' ' {
		p.i++
	}
}

// atEnd reports whether the line ends at i: nothing left, or a CR that is
// the line's last byte and so comes right before its LF. In a partial line
// a CR is always followed by more of the line, never by the LF.
func (p *lineParser) atEnd() bool {
	return !p.more() || p.peek() == '\r' && p.i == len(p.line)-1 && !p.partial
}

// target scans a request target: an origin form ("/path?query") or an
// absolute form ("http://host:port/path"). It stops at the space or the
// line end after it. Control characters are refused, as is a CR that is
// not the line's last byte.
func (p *lineParser) target() *Error {
	if p.peek() != '/' {
		if e := p.authority(); e != nil || !p.more() || p.peek() == ' ' {
			return e
		}
	}
	for ; p.more(); p.i++ {
		switch c := p.peek(); {
		case c == ' ':
			return nil
		case c == '\r':
			if p.atEnd() {
				return nil
			}
			return errInvalidRequest()
		case c < 0x20 || c == 0x7f:
			return errInvalidRequest()
		}
	}
	return nil
}

// authority scans "scheme://host[:port]" and stops at the '/' or '?' that
// starts the path, or at the space that ends the target.
func (p *lineParser) authority() *Error {
	if !isLetter(p.peek()) {
		return errInvalidRequest()
	}
	for p.more() && (isLetter(p.peek()) || isDigit(p.peek()) || oneOf("+-.", p.peek())) {
		p.i++
	}
	if e := p.literal("://"); e != nil {
		return e
	}
	if p.more() && p.peek() == '[' {
		for p.i++; p.more() && p.peek() != ']'; p.i++ {
			if c := p.peek(); !isLetter(c) && !isDigit(c) && !oneOf(":-._~!$&'()*+,;=", c) {
				return errInvalidRequest()
			}
		}
		if !p.more() {
			return p.cut(errInvalidRequest())
		}
		p.i++
	} else {
		for p.more() && (isLetter(p.peek()) || isDigit(p.peek()) || p.peek() == '.' || p.peek() == '-') {
			p.i++
		}
	}
	if p.more() && p.peek() == ':' {
		for p.i++; p.more() && isDigit(p.peek()); p.i++ {
		}
	}
	if !p.more() {
		return p.cut(errInvalidRequest())
	}
	if c := p.peek(); c != '/' && c != '?' && c != ' ' {
		return errInvalidRequest()
	}
	return nil
}

// version scans "HTTP/major.minor" and checks that only spaces follow it;
// it leaves i just after the minor version. nginx refuses a major version
// above 1 with 505 as soon as it sees its digit.
func (p *lineParser) version(rl *requestLine) *Error {
	if e := p.literal("HTTP/"); e != nil {
		return e
	}
	if !p.more() {
		return p.cut(errInvalidRequest())
	}
	if c := p.peek(); c < '1' || c > '9' {
		return errInvalidRequest()
	}
	for rl.major = 0; p.more() && isDigit(p.peek()); p.i++ {
		rl.major = rl.major*10 + int(p.peek()-'0')
		if rl.major > 1 {
			return &Error{Status: 505, Reason: reasonBadVersion, Detail: "client sent invalid version"}
		}
	}
	if !p.more() {
		return p.cut(errInvalidRequest())
	}
	if p.peek() != '.' {
		return errInvalidRequest()
	}
	p.i++
	if !p.more() {
		return p.cut(errInvalidRequest())
	}
	if !isDigit(p.peek()) {
		return errInvalidRequest()
	}
	for rl.minor = 0; p.more() && isDigit(p.peek()); p.i++ {
		if rl.minor > 99 {
			return errInvalidRequest()
		}
		rl.minor = rl.minor*10 + int(p.peek()-'0')
	}
	end := p.i
	p.skipSpaces()
	if !p.atEnd() {
		return errInvalidRequest()
	}
	p.i = end
	return nil
}

// literal scans the bytes of s.
func (p *lineParser) literal(s string) *Error {
	for j := 0; j < len(s); j++ {
		if !p.more() {
			return p.cut(errInvalidRequest())
		}
		if p.peek() != s[j] {
			return errInvalidRequest()
		}
		p.i++
	}
	return nil
}

func isMethodChar(c byte) bool { return c >= 'A' && c <= 'Z' || c == '_' || c == '-' }
func isLetter(c byte) bool     { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }

func oneOf(set string, c byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}
