package proxy

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// statusLines are the status lines nginx writes for the codes it knows
// (ngx_http_status_lines); a code it does not know gets "NNN " alone.
var statusLines = map[int]string{
	200: "200 OK", 201: "201 Created", 202: "202 Accepted", 204: "204 No Content",
	206: "206 Partial Content",
	301: "301 Moved Permanently", 302: "302 Moved Temporarily", 303: "303 See Other",
	304: "304 Not Modified", 307: "307 Temporary Redirect", 308: "308 Permanent Redirect",
	400: "400 Bad Request", 401: "401 Unauthorized", 402: "402 Payment Required",
	403: "403 Forbidden", 404: "404 Not Found", 405: "405 Not Allowed",
	406: "406 Not Acceptable", 408: "408 Request Time-out", 409: "409 Conflict",
	410: "410 Gone", 411: "411 Length Required", 412: "412 Precondition Failed",
	413: "413 Request Entity Too Large", 414: "414 Request-URI Too Large",
	415: "415 Unsupported Media Type", 416: "416 Requested Range Not Satisfiable",
	421: "421 Misdirected Request", 429: "429 Too Many Requests",
	500: "500 Internal Server Error", 501: "501 Not Implemented", 502: "502 Bad Gateway",
	503: "503 Service Temporarily Unavailable", 504: "504 Gateway Time-out",
	505: "505 HTTP Version Not Supported", 507: "507 Insufficient Storage",
}

// statusLine returns the text after "HTTP/1.1 " for code.
func statusLine(code int) string {
	if s, ok := statusLines[code]; ok {
		return s
	}
	if code == 494 {
		return statusLines[400]
	}
	return strconv.Itoa(code) + " "
}

// longPages are nginx's error pages whose title is not their status line:
// the title, then what the page's <h1> and a line under it say.
var longPages = map[int][3]string{
	302: {"302 Found", "302 Found", ""},
	401: {"401 Authorization Required", "401 Authorization Required", ""},
	494: {"400 Request Header Or Cookie Too Large", "400 Bad Request", "Request Header Or Cookie Too Large"},
	495: {"400 The SSL certificate error", "400 Bad Request", "The SSL certificate error"},
	496: {"400 No required SSL certificate was sent", "400 Bad Request", "No required SSL certificate was sent"},
	497: {"400 The plain HTTP request was sent to HTTPS port", "400 Bad Request", "The plain HTTP request was sent to HTTPS port"},
}

// errorPage returns nginx's page for code, signed with the server's name
// as the Server header gives it, and whether nginx has one.
func errorPage(code int, token string) ([]byte, bool) {
	p, ok := longPages[code]
	if !ok {
		line, known := statusLines[code]
		if !known || code < 301 || code == 304 {
			return nil, false
		}
		p = [3]string{line, line, ""}
	}
	page := "<html>\r\n<head><title>" + p[0] + "</title></head>\r\n<body>\r\n<center><h1>" + p[1] + "</h1></center>\r\n"
	if p[2] != "" {
		page += "<center>" + p[2] + "</center>\r\n"
	}
	page += "<hr><center>" + token + "</center>\r\n</body>\r\n</html>\r\n"
	return []byte(page), true
}

// head is a response head, in the parts nginx's header filter writes in
// its order.
type head struct {
	status        int
	relayed       bool   // the status line is an upstream's: status and reason as it sent them
	reason        string // an upstream's reason phrase, when relayed
	contentType   string
	contentLength int64 // -1 when unknown
	lastModified  time.Time
	location      string // made absolute when it starts with "/"
	chunked       bool
	others        http1.Headers // written last, in order
}

// dates caches the Date header's value and the access log's time, which
// change once a second.
type dates struct {
	cur atomic.Pointer[dateValue]
}

type dateValue struct {
	sec       int64
	http, log string
}

func (d *dates) get() *dateValue {
	t := time.Now()
	if v := d.cur.Load(); v != nil && v.sec == t.Unix() {
		return v
	}
	v := &dateValue{sec: t.Unix(), http: t.UTC().Format(http1.DateLayout), log: logTime(t)}
	d.cur.Store(v)
	return v
}

// now is the Date header's value.
func (d *dates) now() string { return d.get().http }

// appendHead appends the head nginx writes for h to dst: the status line,
// Server, Date, Content-Type, Content-Length, Last-Modified, Location,
// Transfer-Encoding, Connection, Keep-Alive, then the others in order.
func (r *request) appendHead(dst []byte, h *head) []byte {
	dst = append(dst, "HTTP/1.1 "...)
	if h.relayed {
		dst = strconv.AppendInt(dst, int64(h.status), 10)
		if h.reason != "" {
			dst = append(dst, ' ')
			dst = append(dst, h.reason...)
		}
	} else {
		dst = append(dst, statusLine(h.status)...)
	}
	dst = append(dst, "\r\nServer: "...)
	dst = append(dst, r.c.srv.token(r.loc)...)
	dst = append(dst, "\r\nDate: "...)
	dst = append(dst, r.c.srv.dates.now()...)
	dst = append(dst, "\r\n"...)
	if h.contentType != "" {
		dst = append(dst, "Content-Type: "...)
		dst = append(dst, h.contentType...)
		dst = append(dst, "\r\n"...)
	}
	if h.contentLength >= 0 {
		dst = append(dst, "Content-Length: "...)
		dst = strconv.AppendInt(dst, h.contentLength, 10)
		dst = append(dst, "\r\n"...)
	}
	if !h.lastModified.IsZero() {
		dst = append(dst, "Last-Modified: "...)
		dst = h.lastModified.UTC().AppendFormat(dst, http1.DateLayout)
		dst = append(dst, "\r\n"...)
	}
	if h.location != "" {
		dst = append(dst, "Location: "...)
		if h.location[0] == '/' && r.loc.absoluteRedirect {
			dst = r.appendOrigin(dst)
		}
		dst = append(dst, h.location...)
		dst = append(dst, "\r\n"...)
	}
	if h.chunked {
		dst = append(dst, "Transfer-Encoding: chunked\r\n"...)
	}
	if r.keepAlive {
		dst = append(dst, "Connection: keep-alive\r\n"...)
		if k := r.loc.keepalive.header; k > 0 {
			dst = append(dst, "Keep-Alive: timeout="...)
			dst = strconv.AppendInt(dst, int64(k/time.Second), 10)
			dst = append(dst, "\r\n"...)
		}
	} else {
		dst = append(dst, "Connection: close\r\n"...)
	}
	for _, f := range h.others {
		dst = append(dst, f.Name...)
		dst = append(dst, ": "...)
		dst = append(dst, f.Value...)
		dst = append(dst, "\r\n"...)
	}
	return append(dst, "\r\n"...)
}

// appendOrigin appends "http://host[:port]" for a relative Location: the
// host the client asked for (or the server's name, or the address it
// connected to) and the port it connected to, unless 80.
func (r *request) appendOrigin(dst []byte) []byte {
	host := r.host
	if r.loc.nameInRedirect {
		host = r.serverName()
	}
	if host == "" {
		host = r.c.localIP
	}
	dst = append(dst, "http://"...)
	dst = append(dst, host...)
	if r.loc.portInRedirect && r.c.localPort != "80" {
		dst = append(dst, ':')
		dst = append(dst, r.c.localPort...)
	}
	return dst
}

// contentType returns the MIME type for the request's extension, with
// the charset when one is set and the type takes one.
func (r *request) contentType() string {
	t, ok := r.loc.types[lower(r.exten())]
	if !ok {
		t = r.loc.defaultType
	}
	return r.withCharset(t)
}

// charsetTypes are the types charset applies to (charset_types' default).
var charsetTypes = map[string]bool{
	"text/html": true, "text/xml": true, "text/plain": true, "text/vnd.wap.wml": true,
	"application/javascript": true, "application/rss+xml": true,
}

func (r *request) withCharset(t string) string {
	if r.loc.charset != "off" && charsetTypes[t] {
		return t + "; charset=" + r.loc.charset
	}
	return t
}

// lower returns s in lower case (ASCII), s itself when it is already.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return string(appendLower(make([]byte, 0, len(s)), s))
		}
	}
	return s
}

// appendLower appends s in lower case (ASCII) to dst. Into a buffer on
// the stack, it lowers a header's name to look it up in a map or compare
// it (m[string(b)], string(b) == "x") without allocating.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// keepsAliveAfter reports whether nginx keeps the connection after
// answering status: it does not after the errors that may leave the
// request half read.
func keepsAliveAfter(status int) bool {
	switch status {
	case 400, 408, 413, 414, 494, 500, 501:
		return false
	}
	return true
}

// sendError answers with nginx's page for status, and a Location for a
// redirect. Like nginx's special responses, it drops a body not read yet
// without answering "Expect: 100-continue" first: the client that waits
// for leave to send its body gets the error instead.
func (r *request) sendError(status int, location string) {
	r.expectSeen = true
	if !keepsAliveAfter(status) {
		r.keepAlive = false
		r.linger = true
	} else {
		r.discardBody()
	}
	page, ok := errorPage(status, r.c.srv.token(r.loc))
	h := head{status: status, contentLength: -1, location: location}
	if ok {
		h.contentType = r.withCharset("text/html")
		h.contentLength = int64(len(page))
	}
	if r.rangeError != "" {
		h.others = http1.Headers{{Name: "Content-Range", Value: r.rangeError}}
	}
	r.send(&h, page)
}

// send writes a whole answer: the head (none for HTTP/0.9) and the body,
// which HEAD leaves out.
func (r *request) send(h *head, body []byte) {
	r.status = h.status
	if h.contentLength < 0 && !r.http09 {
		h.contentLength = int64(len(body))
	}
	buf := r.c.buf[:0]
	if !r.http09 {
		buf = r.appendHead(buf, h)
	}
	headLen := len(buf)
	if r.method != "HEAD" || r.http09 {
		buf = append(buf, body...)
	}
	r.c.buf = buf[:0]
	r.write(buf, headLen)
}

// write sends b to the client, headLen bytes of it head, within
// send_timeout, and counts what went out for the access log.
func (r *request) write(b []byte, headLen int) {
	if r.writeFailed {
		return
	}
	r.c.setWriteDeadline(r.sendTimeout())
	n, err := r.c.nc.Write(b)
	sent := int64(n - headLen)
	if sent > 0 {
		r.bodySent += sent
	}
	if n > 0 {
		r.bytesSent += int64(n)
	}
	if err != nil {
		r.writeFailed = true
		r.keepAlive = false
	}
}

func (r *request) sendTimeout() time.Duration {
	if r.loc != nil {
		return r.loc.sendTimeout
	}
	return 60 * time.Second
}
