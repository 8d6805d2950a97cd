package proxy

import (
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// relayHead turns an upstream's response head into the head nginx sends
// its client: nginx's own Server and Date; Content-Type and
// Content-Length in their places under nginx's spelling; hop-by-hop and
// hidden headers dropped; the rest in the upstream's order.
func (r *request) relayHead(resp *http1.Response) head {
	h := head{status: resp.Status, relayed: true, reason: resp.Reason, contentLength: resp.ContentLength}
	var buf [64]byte
	for _, f := range resp.Headers {
		if f.Invalid {
			continue
		}
		switch name := appendLower(buf[:0], f.Name); {
		case string(name) == "content-type":
			h.contentType = f.Value
		case string(name) == "content-length", string(name) == "connection", string(name) == "keep-alive", string(name) == "transfer-encoding":
		case r.loc.hide[string(name)]:
		case string(name) == "location" || string(name) == "refresh":
			h.others = append(h.others, http1.Header{Name: f.Name, Value: r.rewriteRedirect(f.Value)})
		default:
			h.others = append(h.others, f)
		}
	}
	r.upHeaders = resp.Headers
	r.respHeaders = h.others
	return h
}

// rewriteRedirect applies proxy_redirect to a Location from upstream.
func (r *request) rewriteRedirect(v string) string {
	redirects := r.loc.redirects
	if redirects == nil {
		redirects = []redirect{{def: true}}
	}
	for _, rd := range redirects {
		from, to := rd.from, rd.to
		switch {
		case rd.off:
			return v
		case rd.def:
			p := r.loc.pass
			if p.uwsgi || r.loc.modifier == "~" || r.loc.modifier == "~*" || r.loc.modifier == "@" {
				continue
			}
			from, to = "http://"+p.host+p.uri, r.loc.name
			if !p.hasURI {
				from += "/"
				to = "/"
			}
		}
		if strings.HasPrefix(v, from) {
			return to + v[len(from):]
		}
	}
	return v
}

// bodyFollows reports whether an answer to this request carries a body.
func (r *request) bodyFollows(status int) bool {
	return r.method != "HEAD" && status >= 200 && status != 204 && status != 304
}

// relay sends the upstream's answer on to the client. With
// proxy_buffering on, the whole answer is read first and the upstream
// freed; off, the body goes on as it comes.
func (r *request) relay(up net.Conn, resp *http1.Response) {
	hd := r.relayHead(resp)
	h := &hd
	r.status = resp.Status
	unknown := resp.ContentLength < 0 && r.bodyFollows(resp.Status)
	if unknown {
		if r.hr.Major == 1 && r.hr.Minor >= 1 && r.loc.chunked {
			h.chunked = true
		} else {
			r.keepAlive = false
		}
	}
	if r.loc.buffering {
		r.relayBuffered(up, resp, h)
		return
	}
	r.relayStreaming(up, resp, h)
}

// bufferBody reads an upstream's whole body into a spool, in the memory
// the connection's last answer left (closeAnswer), and frees the
// upstream. A body that broke off comes back as far as it came, with the
// error.
func (r *request) bufferBody(up net.Conn, body io.Reader) (*spool, error) {
	r.answer = spool{limit: answerMemory, mem: r.c.answerMem}
	r.c.answerMem = nil
	s := &r.answer
	err := r.readUpstream(up, body, func(p []byte) error {
		_, err := s.Write(p)
		return err
	})
	r.c.closeUpstream()
	return s, err
}

// closeAnswer closes the spool that bufferBody filled once its answer is
// out, and keeps its memory for the connection's next answer when that is
// no more than keptAnswer bytes.
func (r *request) closeAnswer(s *spool) {
	if s.file == nil && cap(s.mem) <= keptAnswer {
		r.c.answerMem = s.mem[:0]
	}
	s.close()
}

// keptAnswer is the most memory a connection keeps from one buffered
// answer to the next.
const keptAnswer = 16 << 10

// relayBuffered reads the whole body, then sends head and body at once.
func (r *request) relayBuffered(up net.Conn, resp *http1.Response, h *head) {
	s, err := r.bufferBody(up, resp.Body)
	defer r.closeAnswer(s)
	buf := r.c.buf[:0]
	if !r.http09 {
		buf = r.appendHead(buf, h)
	}
	headLen := len(buf)
	data, small := s.small()
	if !small || !r.bodyFollows(resp.Status) || r.http09 {
		r.write(buf, headLen)
		r.c.buf = buf[:0]
		if r.bodyFollows(resp.Status) || r.http09 {
			r.streamBody(s.reader(), h.chunked && !r.http09, s.size)
		}
	} else {
		buf = appendChunk(buf, data, h.chunked)
		if h.chunked && err == nil {
			buf = append(buf, "0\r\n\r\n"...)
		}
		r.write(buf, headLen)
		r.c.buf = buf[:0]
	}
	if err != nil {
		r.keepAlive = false
	}
}

// relayStreaming sends the head now and the body as it comes.
func (r *request) relayStreaming(up net.Conn, resp *http1.Response, h *head) {
	if !r.http09 {
		buf := r.appendHead(r.c.buf[:0], h)
		r.write(buf, len(buf))
		r.c.buf = buf[:0]
	}
	if !r.bodyFollows(resp.Status) && !r.http09 {
		return
	}
	chunked := h.chunked && !r.http09
	err := r.readUpstream(up, resp.Body, func(p []byte) error {
		r.write(appendChunk(nil, p, chunked), 0)
		return nil
	})
	if err != nil {
		r.keepAlive = false
		return
	}
	if chunked {
		r.write([]byte("0\r\n\r\n"), 0)
	}
}

// readUpstream reads an upstream body within proxy_read_timeout per
// read, handing each piece to use, and logs as nginx does when the body
// breaks off.
func (r *request) readUpstream(up net.Conn, body io.Reader, use func([]byte) error) error {
	buf := r.upBuf
	if len(buf) == 0 {
		buf = make([]byte, r.loc.bufferSize)
	}
	for {
		r.armUpstreamRead(up)
		n, err := body.Read(buf)
		if n > 0 {
			if werr := use(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			r.logError(levelError, readFailure(err, " while reading upstream").msg)
			return err
		}
	}
}

// armUpstreamRead arms proxy_read_timeout for the next read from the
// upstream, lazily as the client's deadlines are (deadline.arm): the
// head and a short body, read microseconds apart, arm it once.
func (r *request) armUpstreamRead(up net.Conn) {
	now := time.Now()
	r.upReadBy.arm(up.SetReadDeadline, now, now.Add(r.loc.readTimeout))
}

// streamBody sends a body of n bytes from src, chunked or not.
func (r *request) streamBody(src io.Reader, chunked bool, n int64) {
	buf := make([]byte, 32<<10)
	for n > 0 && !r.writeFailed {
		m, err := io.ReadFull(src, buf[:min(int64(len(buf)), n)])
		if m > 0 {
			r.write(appendChunk(nil, buf[:m], chunked), 0)
			n -= int64(m)
		}
		if err != nil {
			break
		}
	}
	if chunked {
		r.write([]byte("0\r\n\r\n"), 0)
	}
}

// appendChunk appends p, as one chunk when chunked.
func appendChunk(dst, p []byte, chunked bool) []byte {
	if !chunked || len(p) == 0 {
		return append(dst, p...)
	}
	dst = strconv.AppendInt(dst, int64(len(p)), 16)
	dst = append(dst, "\r\n"...)
	dst = append(dst, p...)
	return append(dst, "\r\n"...)
}

// relaySimple relays an answer without a status line as it is, as nginx
// 1.22 does (HTTP/0.9); the access log says 009.
func (r *request) relaySimple(up net.Conn, resp *http1.Response) {
	r.status = 9
	s, err := r.bufferBody(up, resp.Body)
	defer r.closeAnswer(s)
	if data, small := s.small(); small {
		r.write(append(r.c.buf[:0], data...), 0)
	} else {
		r.streamBody(s.reader(), false, s.size)
	}
	if err != nil {
		r.keepAlive = false
	}
}
