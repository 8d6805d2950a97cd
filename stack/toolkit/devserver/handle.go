package devserver

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
)

// Python's http.server limits: a line of 65536 bytes, 100 headers.
const (
	maxLine    = 65536
	maxHeaders = 100
)

var readLimits = http1.Limits{
	MaxRequestLine:       maxLine + 2,
	MaxHeaderLine:        maxLine + 2,
	MaxHeaders:           maxHeaders,
	UnderscoresInHeaders: true,
}

// exchange is one request on one connection, as http.server's handler
// holds it.
type exchange struct {
	s        *Server
	c        net.Conn
	line     string // the request line, without its line end
	method   string
	target   string
	version  string // "HTTP/0.9" until a version is read
	minor11  bool   // the request is HTTP/1.1 or later
	remote   string // the address the log names: REMOTE_ADDR, as the app left it
	protocol string // the version the server answers in
}

// handle serves one connection: one request, then close.
func (s *Server) handle(c net.Conn) {
	defer c.Close()
	br := bufio.NewReaderSize(c, 4096)
	x := &exchange{s: s, c: c, version: "HTTP/0.9", protocol: "HTTP/1.0"}
	if s.opts.Threaded {
		x.protocol = "HTTP/1.1"
	}
	x.remote, _, _ = net.SplitHostPort(rawConn(c).RemoteAddr().String())
	line, err := readLine(br)
	switch {
	case err == errLineTooLong:
		x.sendError(414, "", "")
		return
	case err != nil || len(line) == 0:
		return
	}
	x.line = strings.TrimRight(string(line), "\r\n")
	if !x.parseRequestLine() {
		return
	}
	// The request line is judged already; the lab's reader reads the
	// headers and the body's framing after a stand-in line.
	version := x.version
	if version == "HTTP/0.9" {
		version = "HTTP/1.0"
	}
	req, err := http1.NewReader(io.MultiReader(strings.NewReader("GET / "+version+"\r\n"), br), readLimits).ReadRequest()
	if err != nil {
		x.refuse(err)
		return
	}
	x.serve(req)
}

var errLineTooLong = fmt.Errorf("devserver: line too long")

// readLine reads one line, as http.server's readline(65537).
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, errLineTooLong
		}
		if err != bufio.ErrBufferFull {
			return line, err
		}
	}
}

// parseRequestLine judges the request line as http.server's
// parse_request: words split at white space, a version HTTP/d.d below
// 2.0, and two words only for an HTTP/0.9 GET.
func (x *exchange) parseRequestLine() bool {
	words := strings.Fields(x.line)
	if len(words) == 0 {
		return false
	}
	if len(words) >= 3 {
		v := words[len(words)-1]
		major, minor, ok := parseVersion(v)
		if !ok {
			x.sendError(400, fmt.Sprintf("Bad request version (%s)", pyRepr(v)), "")
			return false
		}
		if major >= 2 {
			x.sendError(505, fmt.Sprintf("Invalid HTTP version (%s)", strings.TrimPrefix(v, "HTTP/")), "")
			return false
		}
		x.version, x.minor11 = v, major == 1 && minor >= 1
	}
	if len(words) < 2 || len(words) > 3 {
		x.sendError(400, fmt.Sprintf("Bad request syntax (%s)", pyRepr(x.line)), "")
		return false
	}
	x.method, x.target = words[0], words[1]
	if len(words) == 2 && x.method != "GET" {
		x.sendError(400, fmt.Sprintf("Bad HTTP/0.9 request type (%s)", pyRepr(x.method)), "")
		return false
	}
	if strings.HasPrefix(x.target, "//") {
		x.target = "/" + strings.TrimLeft(x.target, "/")
	}
	return true
}

// parseVersion reads "HTTP/1.0" as http.server does: two parts of at most
// ten digits each.
func parseVersion(v string) (major, minor int, ok bool) {
	num, found := strings.CutPrefix(v, "HTTP/")
	a, b, two := strings.Cut(num, ".")
	if !found || !two || strings.Contains(b, ".") || !digits(a) || !digits(b) {
		return 0, 0, false
	}
	major, _ = strconv.Atoi(a)
	minor, _ = strconv.Atoi(b)
	return major, minor, true
}

func digits(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// refuse answers a head the lab's reader refused.
func (x *exchange) refuse(err error) {
	var herr *http1.Error
	switch {
	case asHTTP1(err, &herr) && strings.Contains(herr.Detail, "too many header"):
		x.sendError(431, "Too many headers", "")
	case asHTTP1(err, &herr) && strings.Contains(herr.Detail, "too long header"):
		x.sendError(431, "Line too long", "")
	default:
		x.sendError(400, fmt.Sprintf("Bad request syntax (%s)", pyRepr(x.line)), "")
	}
}

// pyRepr writes s as Python's %r does.
func pyRepr(s string) string { return toolkit.Repr(s) }

// sendError answers as http.server's send_error: a small HTML page, with
// a status line and headers only when a version was read (an error in
// the request line itself is answered the HTTP/0.9 way, the page alone).
func (x *exchange) sendError(code int, message, explain string) {
	short, long := errorTexts(code)
	if message == "" {
		message = short
	}
	if explain == "" {
		explain = long
	}
	x.log(fmt.Sprintf("code %d, message %s", code, message))
	page := fmt.Sprintf(errorPage, code, html.EscapeString(message), code, html.EscapeString(explain))
	page = strings.ReplaceAll(page, "&#39;", "'")
	page = strings.ReplaceAll(page, "&#34;", `"`)
	var b bytes.Buffer
	x.logRequest(code)
	if x.version != "HTTP/0.9" {
		fmt.Fprintf(&b, "%s %d %s\r\nServer: %s\r\nDate: %s\r\nConnection: close\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: %d\r\n\r\n",
			x.protocol, code, message, ServerHeader, toolkit.HTTPDate(time.Now()), len(page))
	}
	if x.method != "HEAD" {
		b.WriteString(page)
	}
	x.c.Write(b.Bytes())
}

const errorPage = "<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n" +
	"        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n" +
	"        <p>Error code: %d</p>\n        <p>Message: %s.</p>\n        <p>Error code explanation: %d - %s.</p>\n" +
	"    </body>\n</html>\n"

func errorTexts(code int) (short, long string) {
	switch code {
	case 400:
		return "Bad Request", "Bad request syntax or unsupported method"
	case 414:
		return "Request-URI Too Long", "URI is too long"
	case 431:
		return "Request Header Fields Too Large", "The server is unwilling to process the request because its header fields are too large"
	case 505:
		return "HTTP Version Not Supported", "Cannot fulfill request"
	}
	return "???", "???"
}

// log records a line of the server's log, as http.server's log_message.
func (x *exchange) log(msg string) {
	x.s.Tap().Log(x.c, "log", fmt.Sprintf("%s - - [%s] %s", x.remote, time.Now().Format("02/Jan/2006 15:04:05"), msg))
}

// logRequest records the request's line of the log, as Werkzeug's
// log_request: the request line with its path made readable.
func (x *exchange) logRequest(code int) {
	msg := x.line
	if x.method != "" {
		msg = x.method + " " + toolkit.URIToIRI(x.target) + " " + x.version
	}
	x.log(fmt.Sprintf("\"%s\" %d -", msg, code))
}

// rawConn returns the connection under the tap.
func rawConn(c net.Conn) net.Conn {
	if u, ok := c.(interface{ Unwrap() net.Conn }); ok {
		return u.Unwrap()
	}
	return c
}

func asHTTP1(err error, target **http1.Error) bool {
	e, ok := err.(*http1.Error)
	if ok {
		*target = e
	}
	return ok
}
