package prefork

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/peek"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
)

// handleUwsgi serves one request that came as a uwsgi packet, as uWSGI's
// workers read what nginx's uwsgi_pass sends: the packet's variables are
// the environ, as they are, and the body follows the packet. The answer
// is plain HTTP (see response.bare). It reports whether this was the
// worker's last request.
func (w *worker) handleUwsgi(c net.Conn, in io.Reader, s *session) (last bool) {
	p, err := readPacket(in)
	if err == io.EOF {
		return false
	}
	if err != nil {
		w.tap.Log(c, "log", "Invalid uwsgi request: "+err.Error())
		discardPending(c)
		return false
	}
	last = w.count(c)
	w.hooks.fire(c, "pre_request", "")
	defer w.hooks.fire(c, "post_request", "")
	vars := make([]gateway.Entry, len(p.Vars))
	for i, v := range p.Vars {
		vars[i] = gateway.Entry{Key: v.Key, Value: v.Value}
	}
	length, _ := strconv.ParseInt(valueOf(p, "CONTENT_LENGTH"), 10, 64)
	raw := c
	if tc, ok := c.(interface{ Unwrap() net.Conn }); ok {
		raw = tc.Unwrap()
	}
	body := io.LimitReader(in, max(length, 0))
	tracer := gateway.Tracer{Tap: w.tap, Conn: c, Server: w.cfg.Layer}
	env := gateway.VarEnviron(vars, gateway.Origin{
		Software:     Software,
		Multiprocess: w.cfg.Workers > 1,
		Multithread:  w.cfg.Threads > 1,
		Input:        body,
		Errors:       tracer.Errors(),
	})
	req := packetRequest(p)
	resp := s.response(c, req)
	resp.bare = true
	w.callAndAnswer(c, raw, s, env, resp, tracer, valueOf(p, "REQUEST_URI"))
	// What the app left of the body is read before the close, which would
	// otherwise be a reset that may cost nginx the answer.
	io.Copy(io.Discard, body)
	return last
}

// readPacket reads a request packet. Its first byte, modifier1, must be
// 0, a WSGI request: anything else is refused before the rest is read, so
// that HTTP text sent to a uwsgi socket ("GET" reads as modifier1 71 and
// 0x5445 bytes of variables) is refused at once instead of waiting for
// variables that never come.
func readPacket(in io.Reader) (*uwsgi.Packet, error) {
	var first [1]byte
	if _, err := io.ReadFull(in, first[:]); err != nil {
		return nil, io.EOF
	}
	if m := first[0]; m != 0 {
		what := ""
		if m >= ' ' && m < 0x7f {
			what = fmt.Sprintf(" (%q: is this text sent to a uwsgi socket?)", rune(m))
		}
		return nil, fmt.Errorf("modifier1 %d%s; only 0, a WSGI request, is served", m, what)
	}
	return uwsgi.Read(io.MultiReader(bytes.NewReader(first[:]), in))
}

// discardPending reads what the client has already sent and nothing
// more, so that the close that follows is a clean one: closing a socket
// with bytes unread sends the client a reset instead. The bytes are read
// through c, so the journey shows them.
func discardPending(c net.Conn) {
	raw := c
	if tc, ok := c.(interface{ Unwrap() net.Conn }); ok {
		raw = tc.Unwrap()
	}
	buf := make([]byte, 4096)
	for range 16 {
		if !peek.Pending(raw) {
			return
		}
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// valueOf returns the packet's variable key, or "".
func valueOf(p *uwsgi.Packet, key string) string {
	v, _ := p.Get(key)
	return v
}

// packetRequest is what the response writer needs to know of a request
// that came as a packet: its method and the version it spoke.
func packetRequest(p *uwsgi.Packet) *http1.Request {
	req := &http1.Request{Method: valueOf(p, "REQUEST_METHOD"), Proto: "HTTP/1.0", Major: 1}
	proto := valueOf(p, "SERVER_PROTOCOL")
	if v, ok := strings.CutPrefix(proto, "HTTP/"); ok {
		major, minor, _ := strings.Cut(v, ".")
		ma, err1 := strconv.Atoi(major)
		mi, err2 := strconv.Atoi(minor)
		if err1 == nil && err2 == nil {
			req.Proto, req.Major, req.Minor = proto, ma, mi
		}
	}
	return req
}
