package proxy

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// request is one request on a connection, from its head to its access
// log line.
type request struct {
	c     *conn
	hr    *http1.Request
	start time.Time

	method      string
	requestLine string // as logged: "GET / HTTP/1.0"
	unparsed    string // $request_uri
	uri, args   string // $uri and $args
	host        string // $host from the request, "" when it named none
	badLineHost bool   // the request line names a host nginx refuses
	http09      bool

	upBuf    []byte   // the upstream answer's body is read into this, pooled
	upReadBy deadline // the read deadline armed on the upstream connection
	body     spool    // the request body, once read
	answer   spool    // an upstream's answer, buffered

	srv       *rtServer
	loc       *locConf
	internal  bool // the URI was changed by try_files, index or a redirect
	redirects int

	keepAlive   bool
	linger      bool // close with nginx's lingering close
	status      int
	bodySent    int64
	bytesSent   int64
	writeFailed bool
	noLog       bool // the client went away before the request was read: no access log

	rangeError   string       // Content-Range of a 416 answer
	stats        []statResult // files looked up
	expectSeen   bool         // "Expect: 100-continue" was answered, or must not be
	dropLater    bool         // the body is dropped once the answer is out
	upstreamURL  upstreamURL  // for the error log
	upstreamAddr string
	upstreamCode int // $upstream_status; 0 before an upstream answered
	proxyHost    string
	bodyLength   int64 // the request body's length once read; -1 before
	respHeaders  http1.Headers
	upHeaders    http1.Headers
	uio          *upstreamIO // its buffers for trips upstream, once it has made one
}

// maxRedirects is how many internal redirects nginx follows before it
// gives up with a 500.
const maxRedirects = 10

// serve answers one request whose head was read with err, and reports
// whether the connection may carry another.
func (r *request) serve(err error) bool {
	defer r.releaseUpstreamIO()
	if r.hr != nil {
		r.setRequestLine()
	}
	if err != nil {
		return r.refuse(err)
	}
	r.keepAlive = r.hr.KeepAlive()
	r.setLocation(r.loc)
	if !r.checkHead() {
		return r.done()
	}
	r.run()
	return r.done()
}

// upstreamIO returns the buffers for the request's trips upstream, with
// the sizes of its location. They are the request's until it is done
// (releaseUpstreamIO): the answer read with them is made in their
// reader's memory, and its headers must last until the access log line
// is written ($upstream_http_...). A second trip (an error_page's) takes
// the same.
func (r *request) upstreamIO() *upstreamIO {
	if r.uio == nil {
		r.uio = r.c.srv.getUpstreamIO()
	}
	r.uio.fit(r.loc.bufferSize)
	return r.uio
}

// releaseUpstreamIO gives the request's buffers for its trips upstream
// back to the server, once it is done.
func (r *request) releaseUpstreamIO() {
	if r.uio != nil {
		r.c.srv.putUpstreamIO(r.uio)
		r.uio = nil
		r.upHeaders = nil
	}
}

// setRequestLine fills what the request line says.
func (r *request) setRequestLine() {
	hr := r.hr
	r.method = hr.Method
	r.http09 = hr.Proto == ""
	r.requestLine = hr.RequestLine()
	host, path, args := splitTarget(hr.Target)
	r.unparsed = hr.Target
	if host != "" {
		r.unparsed = path
		if args != "" {
			r.unparsed += "?" + args
		}
		var ok bool
		r.host, ok = validateHost(host)
		r.badLineHost = !ok
	}
	r.uri, r.args = path, args
}

// refuse answers a request the reader refused, or gives up on one that
// never came whole.
func (r *request) refuse(err error) bool {
	var he *http1.Error
	switch {
	case errors.As(err, &he):
		r.bodyLength = 0 // a refused request's body is never read
		r.logError(levelInfo, he.Detail+r.while())
		status := he.Status
		if he.Reason == "Request Header Or Cookie Too Large" {
			status = 494
		}
		r.sendError(status, "")
		r.linger = true
		r.keepAlive = false
		return r.done()
	case isTimeout(err):
		r.logError(levelInfo, "client timed out (110: Connection timed out)"+r.while())
		r.status = 408
	default:
		r.logError(levelInfo, "client prematurely closed connection"+r.while())
		r.status = 400
	}
	r.keepAlive = false
	if r.hr == nil && r.requestLine == "" {
		r.noLog = r.status == 400
	}
	return r.done()
}

// while says what nginx was doing when a request went wrong.
func (r *request) while() string {
	if r.hr == nil {
		return " while reading client request line"
	}
	return " while reading client request headers"
}

// checkHead applies the rules nginx has beyond the reader's: Host, the
// URI, TRACE. It answers and returns false when one is broken.
//
// A host in the request line (an absolute-form target) must be valid,
// and it names the server; a Host header is still required in an
// HTTP/1.1 request, checked, and refused when it comes twice, as nginx
// does whatever the request line says.
func (r *request) checkHead() bool {
	hr := r.hr
	var hosts [2]string // the first two
	n := 0
	for _, f := range hr.Headers {
		if !f.Invalid && strings.EqualFold(f.Name, "Host") {
			if n < len(hosts) {
				hosts[n] = f.Value
			}
			n++
		}
	}
	bad := func(why string) bool {
		r.logError(levelInfo, why)
		r.sendError(400, "")
		return false
	}
	if r.badLineHost {
		return bad("client sent invalid host in request line while reading client request line")
	}
	if n > 0 {
		h, ok := validateHost(hosts[0])
		switch {
		case !ok:
			return bad("client sent invalid host header while reading client request headers")
		case n > 1:
			return bad(fmt.Sprintf(`client sent duplicate host header: "Host: %s", previous value: "Host: %s" while reading client request headers`, hosts[1], hosts[0]))
		case r.host == "":
			r.host = h
		}
	} else if hr.Major == 1 && hr.Minor >= 1 {
		return bad(`client sent HTTP/1.1 request without "Host" header while reading client request headers`)
	}
	r.srv = r.c.rt.findServer(r.host)
	r.setLocation(r.srv.base)
	uri, err := normalizePath(r.uri, r.c.rt.mergeSlashes)
	if err != nil {
		r.logError(levelInfo, "client sent invalid request while reading client request line")
		r.sendError(400, "")
		return false
	}
	r.uri = uri
	if r.method == "TRACE" {
		r.logError(levelInfo, "client sent TRACE method while reading client request headers")
		r.sendError(405, "")
		return false
	}
	return true
}

// run carries the request through nginx's phases: the server's return,
// the location, its return, try_files, then the content: proxying or a
// static file.
func (r *request) run() {
	if ret := r.srv.base.ret; ret != nil {
		r.doReturn(ret)
		return
	}
	r.setLocation(r.srv.match(r.uri))
	r.runLocation()
}

// runLocation serves the request in r.loc.
func (r *request) runLocation() {
	for {
		if max := r.loc.maxBody; max > 0 && r.hr.ContentLength > max {
			r.logError(levelError, fmt.Sprintf("client intended to send too large body: %d bytes", r.hr.ContentLength))
			r.sendError(413, "")
			return
		}
		if r.loc.ret != nil {
			r.doReturn(r.loc.ret)
			return
		}
		next, done := r.tryFiles()
		if done {
			return
		}
		if next != nil {
			if !r.redirect(next) {
				return
			}
			continue
		}
		switch {
		case r.loc.pass != nil:
			r.proxy()
			return
		case strings.HasSuffix(r.uri, "/"):
			if uri, ok := r.index(); ok {
				if !r.redirect(&target{uri: uri}) {
					return
				}
				continue
			}
			return
		default:
			r.static()
			return
		}
	}
}

// target is where an internal redirect goes: a URI or a named location.
type target struct {
	uri   string
	named *rtLocation
}

// redirect moves the request to another URI or named location, and
// reports false, after answering 500, when there were too many.
func (r *request) redirect(t *target) bool {
	r.redirects++
	if r.redirects > maxRedirects {
		r.logError(levelError, fmt.Sprintf(`rewrite or internal redirection cycle while internally redirecting to "%s"`, t.uri))
		r.sendError(500, "")
		return false
	}
	r.internal = true
	if t.named != nil {
		r.setLocation(t.named.conf)
		return true
	}
	if path, args, ok := strings.Cut(t.uri, "?"); ok {
		t.uri, r.args = path, args
	}
	r.uri = t.uri
	r.setLocation(r.srv.match(r.uri))
	return true
}

// doReturn answers as a return directive says. nginx sends the answer
// itself, dropping the body first (with a 100 Continue when asked), for a
// code below 400 or one with a text; a code from 400 up without one
// becomes its error page, or, for 444, a closed connection.
func (r *request) doReturn(ret *returnConf) {
	code := ret.code
	if code < 400 || ret.has {
		r.discardBody()
	}
	if code == 444 {
		r.status = 444
		r.keepAlive = false
		return
	}
	text := ""
	if ret.has {
		text = ret.text.eval(r)
	}
	switch {
	case code == 301 || code == 302 || code == 303 || code == 307 || code == 308:
		r.sendError(code, text)
	case ret.has:
		r.send(&head{status: code, contentType: r.withCharset(r.loc.defaultType), contentLength: -1}, []byte(text))
	default:
		if _, ok := errorPage(code, ""); ok {
			r.sendError(code, "")
			return
		}
		r.send(&head{status: code, contentLength: 0}, nil)
	}
}

// done finishes the request: its log line, and whether the connection
// stays.
func (r *request) done() bool {
	if r.dropLater && r.bodyPending() && !r.writeFailed {
		r.dropBody()
	}
	if !r.noLog {
		r.logAccess()
	}
	if r.writeFailed {
		return false
	}
	return r.keepAlive
}

// setLocation makes loc the configuration the request runs in, and, as
// nginx does each time it changes, ends keep-alive when loc's
// keepalive_timeout is 0 or the connection has carried its
// keepalive_requests: the answer then says Connection: close.
func (r *request) setLocation(loc *locConf) {
	r.loc = loc
	if loc.keepalive.timeout == 0 || r.c.requests >= loc.keepaliveRequests {
		r.keepAlive = false
	}
}

// exten returns the URI's extension, as nginx takes it for the MIME type:
// after the last dot of the last segment, unless that dot starts the
// segment (".txt" has none).
func (r *request) exten() string {
	i := strings.LastIndexByte(r.uri, '.')
	if i < 1 || strings.IndexByte(r.uri[i:], '/') >= 0 || r.uri[i-1] == '/' {
		return ""
	}
	return r.uri[i+1:]
}

// serverName is $server_name: the first name of the server serving the
// request.
func (r *request) serverName() string {
	s := r.srv
	if s == nil {
		s = r.c.rt.def
	}
	if len(s.names) > 0 {
		return s.names[0]
	}
	return ""
}

// discardBody drops the request body of an answer that needs none, as
// nginx does: it answers "Expect: 100-continue" first (expect), then
// answers without waiting for the body, which done drops afterwards.
func (r *request) discardBody() {
	if r.hr == nil || r.bodyLength >= 0 {
		return
	}
	r.expect()
	if r.hr.ContentLength <= 0 && !r.hr.Chunked {
		r.bodyLength = 0
		return
	}
	r.dropLater = true
}

// dropBody reads and drops the rest of a body once the answer is out, as
// nginx's discarded-body handler does: each read within
// lingering_timeout, all of them within lingering_time. A body that does
// not come in time ends the connection.
func (r *request) dropBody() {
	end := time.Now().Add(r.loc.lingeringTime)
	buf := make([]byte, 4096)
	var n int64
	for {
		now := time.Now()
		next := now.Add(r.loc.lingeringTimeout)
		if next.After(end) {
			next = end
		}
		r.c.readBy.arm(r.c.nc.SetReadDeadline, now, next)
		m, err := r.hr.Body.Read(buf)
		n += int64(m)
		if err == io.EOF {
			r.bodyLength = n
			return
		}
		if err != nil {
			r.bodyLength = n
			r.keepAlive = false
			r.linger = false
			return
		}
	}
}

// mayPipeline reports whether the client may have sent another request
// behind this one: only one that asked to keep the connection would.
func (r *request) mayPipeline() bool { return r.hr != nil && r.hr.KeepAlive() }

// bodyPending reports a request body not read yet.
func (r *request) bodyPending() bool {
	return r.hr != nil && r.bodyLength < 0 && (r.hr.ContentLength > 0 || r.hr.Chunked)
}

// expect answers "Expect: 100-continue" with "100 Continue", once, as
// nginx does before it reads or drops the body of an HTTP/1.1 request for
// an answer of the location's own (a file, a return with a text or a
// URL); never before an error page (sendError).
func (r *request) expect() {
	if r.expectSeen || r.hr.Major != 1 || r.hr.Minor < 1 {
		return
	}
	r.expectSeen = true
	if !strings.EqualFold(r.hr.Headers.Get("Expect"), "100-continue") {
		return
	}
	r.c.setWriteDeadline(r.sendTimeout())
	// nginx counts these bytes in $body_bytes_sent.
	n, err := io.WriteString(r.c.nc, "HTTP/1.1 100 Continue\r\n\r\n")
	r.bodySent += int64(n)
	r.bytesSent += int64(n)
	if err != nil {
		r.writeFailed = true
	}
}
