package http1

import "fmt"

// This file parses header lines the way nginx 1.22 does
// (ngx_http_parse_header_line).

// headerLine is a parsed header line; its spans index the line.
type headerLine struct {
	name, value span
	invalid     bool
}

// headerRules says which header lines a reader accepts and which it only
// marks Invalid.
type headerRules struct {
	// underscores accepts '_' in names.
	underscores bool
	// upstream reads a response: any name character but a control one is
	// valid, and a line starting "HTTP/" (a second status line, as IIS may
	// send) is marked Invalid, as nginx ignores it.
	upstream bool
}

// parseHeaderLine parses line, a header line without its LF and not
// empty. As in parseRequestLine, a partial line is the start of a line too
// long to read whole, and a nil error with ok false says nothing was wrong
// in it so far.
//
// A name ends at the colon; a line without one is a name with an empty
// value. Space, tab or another control character in the name, or a colon
// first, is an error; another byte outside letters, digits and '-' only
// marks the line invalid. The value has the spaces around it trimmed, but
// not tabs: to nginx 1.22 a tab is a byte of the value. It may hold any
// byte but NUL. CRs may only end the line.
func parseHeaderLine(line []byte, partial bool, rules headerRules) (h headerLine, ok bool, err *Error) {
	if len(line) == 0 {
		return h, false, nil // only a partial line can be empty here
	}
	if c := line[0]; c <= ' ' || c == 0x7f || c == ':' {
		return h, false, errInvalidHeader(rules, line, 0)
	}
	if rules.upstream && len(line) >= 5 && string(line[:5]) == "HTTP/" {
		end := len(line)
		for end > 0 && line[end-1] == '\r' {
			end--
		}
		return headerLine{name: span{0, end}, value: span{end, end}, invalid: true}, !partial, nil
	}
	i := 0
	for ; i < len(line); i++ {
		c := line[i]
		if c == ':' || c == '\r' {
			break
		}
		switch {
		case isLetter(c) || isDigit(c) || c == '-':
		case c == '_':
			h.invalid = h.invalid || !rules.underscores
		case c <= ' ' || c == 0x7f:
			return h, false, errInvalidHeader(rules, line, i)
		default:
			h.invalid = h.invalid || !rules.upstream
		}
	}
	h.name = span{0, i}
	h.value = span{i, i}
	if i < len(line) && line[i] == ':' {
		i++
		for i < len(line) && line[i] == ' ' {
			i++
		}
		h.value = span{i, i}
		for ; i < len(line) && line[i] != '\r'; i++ {
			switch line[i] {
			case 0:
				return h, false, errInvalidHeader(rules, line, i)
			case ' ':
			default:
				h.value.end = i + 1
			}
		}
	}
	// Only CRs may follow, and only if the line really ends there.
	for ; i < len(line); i++ {
		if line[i] != '\r' || partial {
			return h, false, errInvalidHeader(rules, line, i)
		}
	}
	return h, !partial, nil
}

// errInvalidHeader words a header line refused at its byte bad as nginx
// logs it: the line up to that byte, the byte in hex, and "...".
func errInvalidHeader(rules headerRules, line []byte, bad int) *Error {
	shown := fmt.Sprintf(`: "%s\x%02x..."`, line[:bad], line[bad])
	if rules.upstream {
		return badUpstream("upstream sent invalid header" + shown)
	}
	return badRequest("client sent invalid header line" + shown)
}
