package proxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
)

// failure is an attempt at an upstream server that went wrong: the
// status the client gets if no other server does better, the kind
// proxy_next_upstream names, and the error log's words.
type failure struct {
	status int
	kind   string // "error", "timeout" or "invalid_header"
	msg    string
	sent   bool // the request had reached the server
}

// proxy passes the request to its upstream with proxy_pass or uwsgi_pass
// and relays the answer.
func (r *request) proxy() {
	body, err := r.readBody()
	if err != nil {
		return
	}
	defer body.close()
	pass := r.loc.pass
	r.proxyHost = pass.host
	uri := r.upstreamURI()
	uio := r.upstreamIO()
	reqHead, err := r.upstreamHead(uio.head[:0], uri)
	uio.head = reqHead[:0]
	if err != nil {
		r.logError(levelError, err.Error())
		r.sendError(502, "")
		return
	}
	bal := r.c.rt.balancers[pass.upstream]
	tried := map[*peer]bool{}
	limit := bal.tries()
	if n := r.loc.nextTries; n > 0 && n < limit {
		limit = n
	}
	var last *failure
	for len(tried) < limit {
		p := bal.pick(tried)
		if p == nil {
			r.upstreamURL = upstreamURL{r.scheme(), pass.upstream.name, uri}
			if last == nil || len(tried) < bal.tries() {
				r.logError(levelError, "no live upstreams while connecting to upstream")
				last = &failure{status: 502}
			}
			break
		}
		tried[p] = true
		r.upstreamURL = upstreamURL{r.scheme(), p.conf.addr, uri}
		r.upstreamAddr = p.conf.addr
		if !r.c.rt.conns.get() { // the upstream connection takes a slot too
			bal.done(p, false)
			r.logError(levelAlert, r.c.rt.conns.notEnough()+" while connecting to upstream")
			r.sendError(500, "")
			return
		}
		f := r.tryPeer(p.target, reqHead, body, uio)
		r.c.rt.conns.put()
		disabled := bal.done(p, f != nil)
		if f == nil {
			return
		}
		r.logError(levelError, f.msg)
		if disabled {
			r.logError(levelWarn, "upstream server temporarily disabled"+f.msg[strings.LastIndex(f.msg, " while "):])
		}
		last = f
		if !r.retryable(f) {
			break
		}
	}
	r.upstreamCode = last.status
	r.sendError(last.status, "")
}

// upstreamURL is the URL of the upstream server a request went to, as
// the error log names it ("http://127.0.0.1:8000/"), in its parts: it is
// joined only for a line that names it.
type upstreamURL struct {
	scheme, host, uri string
}

func (u upstreamURL) String() string { return u.scheme + u.host + u.uri }

func (r *request) scheme() string {
	if r.loc.pass.uwsgi {
		return "uwsgi://"
	}
	return "http://"
}

// retryable reports whether proxy_next_upstream lets the request go to
// the next server after f.
func (r *request) retryable(f *failure) bool {
	n := r.loc.next
	ok := f.kind == "error" && n.error || f.kind == "timeout" && n.timeout || f.kind == "invalid_header" && n.invalidHeader
	idempotent := r.method != "POST" && r.method != "LOCK" && r.method != "PATCH"
	return ok && (idempotent || !f.sent || n.nonIdempotent)
}

// upstreamURI is the URI the upstream gets: the client's own when
// proxy_pass names no URI and nothing changed it; else the normalized URI,
// with proxy_pass's URI in place of the location's prefix.
func (r *request) upstreamURI() string {
	p := r.loc.pass
	args := ""
	if r.args != "" {
		args = "?" + r.args
	}
	if !p.hasURI {
		if !r.internal {
			return r.unparsed
		}
		return escapeURI(r.uri) + args
	}
	return p.uri + escapeURI(strings.TrimPrefix(r.uri, r.loc.name)) + args
}

// upstreamHead appends to b what goes upstream before the body: an
// HTTP/1.0 request head for proxy_pass, or a uwsgi packet's header and
// variables.
func (r *request) upstreamHead(b []byte, uri string) ([]byte, error) {
	if r.loc.pass.uwsgi {
		return r.uwsgiPacket(b)
	}
	b = append(b, r.method...)
	b = append(b, ' ')
	b = append(b, uri...)
	b = append(b, " HTTP/"...)
	b = append(b, r.loc.httpVersion...)
	b = append(b, "\r\n"...)
	for _, h := range r.loc.proxyHeaders {
		start := len(b)
		b = append(b, h.name...)
		b = append(b, ": "...)
		value := len(b)
		if b = h.value.appendTo(b, r); len(b) == value {
			b = b[:start] // an empty value sends no header
			continue
		}
		b = append(b, "\r\n"...)
	}
	if r.loc.passHeaders {
		var name [64]byte
		for _, f := range r.hr.Headers {
			if f.Invalid || r.loc.proxySetNames[string(appendLower(name[:0], f.Name))] {
				continue
			}
			b = append(b, f.Name...)
			b = append(b, ": "...)
			b = append(b, f.Value...)
			b = append(b, "\r\n"...)
		}
	}
	return append(b, "\r\n"...), nil
}

// uwsgiPacket appends to dst the uwsgi packet nginx sends: the
// uwsgi_param variables in order, then an HTTP_ variable for each request
// header no parameter already set.
func (r *request) uwsgiPacket(dst []byte) ([]byte, error) {
	p := &uwsgi.Packet{}
	set := map[string]bool{}
	for _, up := range r.loc.uwsgiParams {
		v := up.value.eval(r)
		if v == "" && up.ifNotEmpty {
			continue
		}
		p.Vars = append(p.Vars, uwsgi.Var{Key: up.key, Value: v})
		set[up.key] = true
	}
	if r.loc.passHeaders {
		for _, f := range r.hr.Headers {
			if f.Invalid {
				continue
			}
			key := "HTTP_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
			if set[key] {
				continue
			}
			p.Vars = append(p.Vars, uwsgi.Var{Key: key, Value: f.Value})
		}
	}
	b, err := uwsgi.Append(dst, p)
	if err != nil {
		return dst, fmt.Errorf("uwsgi request is too big to send: %w", err)
	}
	return b, nil
}

// tryPeer sends the request to one server and relays its answer, read
// with uio; it returns nil once the client has an answer, or what went
// wrong before the client got anything.
func (r *request) tryPeer(t *dialTarget, reqHead []byte, body *spool, uio *upstreamIO) *failure {
	lc := r.loc
	raw, err := t.dial(dialContext{c: r.c, deadline: time.Now().Add(lc.connectTimeout)})
	if err != nil {
		return connectFailure(err)
	}
	up := r.c.srv.tap.Dialed(raw)
	r.c.srv.tap.Link(r.c.nc, up)
	r.c.setUpstream(up)
	defer r.c.closeUpstream()
	if f := r.sendUpstream(up, reqHead, body); f != nil {
		return f
	}
	rd := uio.rd
	rd.Reset(up)
	r.upBuf = uio.body[:lc.bufferSize]
	defer func() { r.upBuf = nil }()
	r.upReadBy = deadline{} // a new connection has none
	r.armUpstreamRead(up)
	resp, err := rd.ReadResponse(r.method)
	if err != nil {
		var he *http1.Error
		if errors.As(err, &he) && he.Status == 0 {
			r.logError(levelError, he.Detail+" while reading response header from upstream")
			r.relaySimple(up, rd.ReadSimpleResponse())
			return nil
		}
		return readFailure(err, " while reading response header from upstream")
	}
	r.upstreamCode = resp.Status
	r.relay(up, resp)
	return nil
}

// sendUpstream writes the request head and body within proxy_send_timeout.
func (r *request) sendUpstream(up net.Conn, reqHead []byte, body *spool) *failure {
	up.SetWriteDeadline(time.Now().Add(r.loc.sendUpTimeout))
	var err error
	data, small := body.small()
	switch {
	case !r.loc.passBody:
		_, err = up.Write(reqHead)
	case small:
		_, err = up.Write(append(reqHead, data...))
	default:
		err = sendPieces(up, reqHead, body.reader(), int(max(r.loc.bodyBuffer, 1)))
	}
	if err == nil {
		return nil
	}
	if isTimeout(err) {
		return &failure{status: 504, kind: "timeout", msg: "upstream timed out (110: Connection timed out) while sending request to upstream"}
	}
	return &failure{status: 502, kind: "error", msg: fmt.Sprintf("writev() failed (%s) while sending request to upstream", errno.Text(err))}
}

// sendPieces sends head and then body, which a file holds, as nginx
// sends a request body it spooled: it reads the file back a piece at a
// time (client_body_buffer_size) and writes each piece as it reads it,
// the head in the first write with the first piece (nginx's writev of
// the two), so the bytes cross the hop in the pieces nginx's do.
func sendPieces(up io.Writer, head []byte, body io.Reader, piece int) error {
	buf := make([]byte, len(head)+piece)
	start := copy(buf, head)
	for {
		n, err := io.ReadFull(body, buf[start:start+piece])
		if start+n > 0 {
			if _, werr := up.Write(buf[:start+n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
		start = 0
	}
}

// connectFailure words a failed connect as nginx does.
func connectFailure(err error) *failure {
	if isTimeout(err) {
		return &failure{status: 504, kind: "timeout", msg: "upstream timed out (110: Connection timed out) while connecting to upstream"}
	}
	return &failure{status: 502, kind: "error", msg: fmt.Sprintf("connect() failed (%s) while connecting to upstream", errno.Text(err))}
}

// readFailure words a failed read of an upstream's answer as nginx does.
func readFailure(err error, while string) *failure {
	var he *http1.Error
	switch {
	case errors.As(err, &he):
		return &failure{status: 502, kind: "invalid_header", msg: he.Detail + while, sent: true}
	case isTimeout(err):
		return &failure{status: 504, kind: "timeout", msg: "upstream timed out (110: Connection timed out)" + while, sent: true}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &failure{status: 502, kind: "error", msg: "upstream prematurely closed connection" + while, sent: true}
	}
	return &failure{status: 502, kind: "error", msg: fmt.Sprintf("recv() failed (%s)%s", errno.Text(err), while), sent: true}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
