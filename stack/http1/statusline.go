package http1

// statusLine is a parsed status line; its offsets index the line.
type statusLine struct {
	proto                int // where "HTTP/x.y" ends
	major, minor, status int
	reason, end          int // where the reason phrase starts and ends
}

// readStatusLine reads and parses a status line into r.head.
func (r *Reader) readStatusLine() (statusLine, error) {
	line, tooLong, err := r.readLine(r.lim.MaxResponseHead)
	switch {
	case tooLong:
		return statusLine{}, badUpstream("upstream sent too big header")
	case err != nil && couldBeStatusLine(line):
		return statusLine{}, truncated("status line", err)
	}
	sl, ok := parseStatusLine(line)
	if !ok || err != nil {
		// Keep the bytes for ReadSimpleResponse: nginx relays them.
		r.pending = append(r.pending[:0], r.head...)
		return sl, &Error{Detail: "upstream sent no valid HTTP/1.0 header"}
	}
	return sl, nil
}

// couldBeStatusLine reports whether the start of a line cut by the end of
// the input could still have become a status line: it must start as
// "HTTP/" does.
func couldBeStatusLine(start []byte) bool {
	n := min(len(start), len("HTTP/"))
	return string(start[:n]) == "HTTP/"[:n]
}

// parseStatusLine parses a status line without its LF the way nginx 1.22
// reads an upstream's (ngx_http_parse_status_line): "HTTP/", a version,
// one space, spaces, three digits, then the line's end or a space (or a
// '.', which IIS sends in "403.1") and any text. A CR may only end the
// line.
func parseStatusLine(line []byte) (sl statusLine, ok bool) {
	p := lineParser{line: line}
	if p.literal("HTTP/") != nil || !p.more() || p.peek() < '1' || p.peek() > '9' {
		return sl, false
	}
	if sl.major, ok = p.number(99); !ok || !p.more() || p.peek() != '.' {
		return sl, false
	}
	p.i++
	if !p.more() || !isDigit(p.peek()) {
		return sl, false
	}
	if sl.minor, ok = p.number(99); !ok || !p.more() || p.peek() != ' ' {
		return sl, false
	}
	sl.proto = p.i
	p.skipSpaces()
	for n := 0; n < 3; n++ {
		if !p.more() || !isDigit(p.peek()) {
			return sl, false
		}
		sl.status = sl.status*10 + int(p.peek()-'0')
		p.i++
	}
	sl.reason, sl.end = p.i, p.i
	if p.atEnd() {
		return sl, true
	}
	if c := p.peek(); c != ' ' && c != '.' {
		return sl, false
	}
	p.i++
	sl.reason = p.i
	for p.more() && !p.atEnd() {
		if p.peek() == '\r' {
			return sl, false
		}
		p.i++
	}
	sl.end = p.i
	return sl, true
}

// number scans decimal digits; before each digit past the first the value
// so far must not be above max.
func (p *lineParser) number(max int) (int, bool) {
	n := 0
	for first := true; p.more() && isDigit(p.peek()); first = false {
		if !first && n > max {
			return 0, false
		}
		n = n*10 + int(p.peek()-'0')
		p.i++
	}
	return n, true
}
