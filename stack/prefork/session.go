package prefork

import (
	"io"
	"net"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// session is what one of a worker's threads keeps from one connection to
// the next, so that a request does not make it anew: the reader, the
// answer and its buffers, the timer for a slow app. A sync worker has one
// session; a thread worker has one per thread, which serves one
// connection at a time.
type session struct {
	w    *worker
	rd   *http1.Reader
	in   clientReader
	resp response
	// slow sends the master what the worker recorded so far, once an app
	// has run for slowApp (callApp).
	slow *time.Timer
	call gateway.App // callApp, made once
	// extra is Origin.Extra, gunicorn.socket.
	extra [1]gateway.Entry
	local net.Addr // the listener's address, written once
}

// newSession returns a new session for one of w's threads; w's acceptor
// must be set.
func (w *worker) newSession() *session {
	s := &session{w: w, slow: time.AfterFunc(slowApp, w.out.Flush), local: fixAddr(w.acc.addr)}
	s.slow.Stop()
	s.call = s.callApp
	return s
}

// slowApp is how long an app may run before the worker sends the master
// what it recorded so far.
const slowApp = 20 * time.Millisecond

// callApp calls the app, and sends the master what came before it (the
// request, the environ) if the app is slow: an app that hangs, and a
// worker killed for it, must not take them along. A quick app costs the
// pipe nothing here.
func (s *session) callApp(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
	s.slow.Reset(slowApp)
	defer s.slow.Stop()
	return s.w.app(env, start)
}

// keptBuffer is the largest buffer a session keeps for the next answer:
// one that a large first chunk grew goes with its request.
const keptBuffer = 64 << 10

// response returns the session's response, made anew for req, to be
// written to w; its buffers and its Date are the last request's.
func (s *session) response(w io.Writer, req *http1.Request) *response {
	buf, frame := s.resp.buf[:0], s.resp.frame[:0]
	if cap(buf) > keptBuffer {
		buf = nil
	}
	if cap(frame) > keptBuffer {
		frame = nil
	}
	s.resp = response{w: w, req: req, now: time.Now, length: -1, buf: buf, frame: frame, date: s.resp.date}
	return &s.resp
}
