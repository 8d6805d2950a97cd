package prefork

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// gunicorn's limits on a request head, with their defaults, as measured
// on gunicorn 20.1.0: a request line of 4094 bytes (without its CRLF) is
// served and one of 4095 refused; a header line of 8190 bytes with its
// CRLF is served and one of 8191 refused; 100 header lines are served and
// 101 refused.
const (
	LimitRequestLine      = 4094
	LimitRequestFields    = 100
	LimitRequestFieldSize = 8190
)

// readLimits are the limits the worker's HTTP reader reads with. The
// request line may be longer than gunicorn's limit so that its length can
// be reported as gunicorn does; checkHead refuses it.
var readLimits = http1.Limits{
	MaxRequestLine:       2 * (LimitRequestLine + 2),
	MaxHeaderLine:        LimitRequestFieldSize,
	MaxHeaders:           LimitRequestFields,
	UnderscoresInHeaders: true,
}

// refusal is the answer to a request gunicorn refuses: its status, reason
// and the message on its error page.
type refusal struct {
	status int
	reason string
	mesg   string
}

func badRequest(mesg string) *refusal { return &refusal{400, "Bad Request", mesg} }

// internalError is gunicorn's answer to an app that failed, and to what
// its parser raises but its worker does not expect.
var internalError = &refusal{500, "Internal Server Error", ""}

// tokenChars marks the bytes of an HTTP token: !#$%&'*+-.^_`|~, digits
// and ASCII letters, gunicorn's TOKEN_RE.
var tokenChars = func() (t [256]bool) {
	for _, c := range []byte("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t[c] = true
	}
	return t
}()

// isToken reports whether s is one or more token bytes.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !tokenChars[s[i]] {
			return false
		}
	}
	return len(s) > 0
}

// isVersion reports whether s is HTTP/, digits, a dot and digits:
// gunicorn's VERSION_RE.
func isVersion(s string) bool {
	rest, ok := strings.CutPrefix(s, "HTTP/")
	major, minor, dot := strings.Cut(rest, ".")
	return ok && dot && isDigits(major) && isDigits(minor)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// checkHead judges a request head's raw bytes as gunicorn's parser does,
// line by line, before the lab's reader has its say: the request line
// split on single spaces into exactly three parts, a method that is a
// token, a version HTTP/d.d, then header lines with a colon after a name
// that is a token. It returns nil when gunicorn would read on.
func checkHead(raw []byte) *refusal {
	line, rest, _ := bytes.Cut(raw, crlf)
	if r := checkRequestLine(line); r != nil {
		return r
	}
	n := 0
	for len(rest) > 0 {
		h, after, complete := bytes.Cut(rest, []byte("\r\n"))
		if len(h) == 0 || !complete {
			break // the end of the head, or of what was kept of it
		}
		rest = after
		if h[0] == ' ' || h[0] == '\t' {
			continue // a folded continuation line, part of the header before
		}
		if n >= LimitRequestFields {
			return badRequest("Error parsing headers: 'limit request headers fields'")
		}
		n++
		name, _, found := bytes.Cut(h, []byte(":"))
		if !found || len(name) == 0 {
			return badRequest(pyRepr("Invalid HTTP Header: ", string(h)))
		}
		if !isToken(string(name)) { // ASCII names keep their token-ness upper-cased
			if up := strings.ToUpper(string(name)); !isToken(up) {
				return badRequest(pyRepr("Invalid HTTP header name: ", up))
			}
		}
	}
	return nil
}

// checkRequestLine judges a request line as gunicorn does before it
// reads any header.
func checkRequestLine(line []byte) *refusal {
	if len(line) > LimitRequestLine {
		return badRequest(fmt.Sprintf("Request Line is too large (%d > %d)", len(line), LimitRequestLine))
	}
	bits := strings.SplitN(string(line), " ", 3)
	switch {
	case len(bits) != 3:
		return badRequest(fmt.Sprintf("Invalid Request Line '%s'", pyRepr("Invalid HTTP request line: ", string(line))))
	case !isToken(bits[0]):
		return badRequest(fmt.Sprintf("Invalid Method '%s'", pyRepr("Invalid HTTP method: ", bits[0])))
	case !isVersion(bits[2]):
		return badRequest(fmt.Sprintf("Invalid HTTP Version '%s'", pyRepr("Invalid HTTP Version: ", bits[2])))
	}
	return nil
}

var crlf = []byte("\r\n")

// headRead reports whether raw holds as much as gunicorn's parser reads
// before it judges a request: a request line ended by CR LF (a bare LF
// ends nothing there), then, if that line is valid, headers ended by an
// empty line of CR LF. A line that has grown past the limit without its
// CR LF is judged at once.
func headRead(raw []byte) bool {
	line, rest, ok := bytes.Cut(raw, crlf)
	switch {
	case !ok:
		return len(raw)-2 > LimitRequestLine
	case checkRequestLine(line) != nil:
		return true
	}
	return bytes.HasPrefix(rest, crlf) || bytes.Contains(rest, []byte("\r\n\r\n"))
}

// pyRepr writes prefix and s as Python's "%r" writes a string that
// gunicorn decoded from bytes as latin-1: in single quotes, or double
// quotes when s holds a single quote and no double one; backslashes, the
// quote and control characters escaped (\t, \n, \r, \xNN); other bytes
// as they are, as the error page encodes them back to latin-1.
func pyRepr(prefix, s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	b := append([]byte(prefix), q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == q:
			b = append(b, '\\', c)
		case c == '\t':
			b = append(b, `\t`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c < 0x20 || c >= 0x7f && c <= 0xa0 || c == 0xad:
			b = append(b, fmt.Sprintf(`\x%02x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return string(append(b, q))
}

// refuse turns what the lab's reader refused into gunicorn's answer. The
// reader follows nginx's rules; where its verdict has a gunicorn
// counterpart, that is the answer.
func refuse(err error, req *http1.Request) *refusal {
	var herr *http1.Error
	if !errors.As(err, &herr) {
		return badRequest(err.Error())
	}
	d := herr.Detail
	switch {
	case herr.Status == 414:
		return badRequest(fmt.Sprintf("Request Line is too large (%d > %d)", readLimits.MaxRequestLine-1, LimitRequestLine))
	case strings.Contains(d, "too long header line"):
		return badRequest("Error parsing headers: 'limit request headers fields size'")
	case strings.Contains(d, "too many header lines"):
		return badRequest("Error parsing headers: 'limit request headers fields'")
	case herr.Status == 501:
		return internalError // gunicorn's UnsupportedTransferCoding, which its worker does not expect
	case strings.Contains(d, "Transfer-Encoding") && !strings.Contains(d, "Content-Length"):
		return badRequest("Invalid HTTP Header: 'TRANSFER-ENCODING'")
	case strings.Contains(d, "Content-Length"):
		return badRequest("Invalid HTTP Header: 'CONTENT-LENGTH'")
	case strings.Contains(d, "duplicate header"):
		name := "CONTENT-LENGTH"
		if req != nil && len(req.Headers.Values("Transfer-Encoding")) > 1 {
			name = "TRANSFER-ENCODING"
		}
		return badRequest("Invalid HTTP Header: '" + name + "'")
	}
	return badRequest(strings.TrimPrefix(herr.Error(), "http1: "))
}

// errorPage is gunicorn's util.write_error: an HTML page, Connection:
// close, and no Server or Date header.
func errorPage(r *refusal) []byte {
	page := "<html>\n  <head>\n    <title>" + r.reason + "</title>\n  </head>\n  <body>\n    <h1><p>" +
		r.reason + "</p></h1>\n    " + html.EscapeString(r.mesg) + "\n  </body>\n</html>\n"
	page = strings.NewReplacer("&#39;", "&#x27;", "&#34;", "&quot;").Replace(page) // as Python's html.escape spells them
	head := "HTTP/1.1 " + strconv.Itoa(r.status) + " " + r.reason + "\r\nConnection: close\r\n" +
		"Content-Type: text/html\r\nContent-Length: " + strconv.Itoa(len(page)) + "\r\n\r\n"
	return []byte(head + page)
}
