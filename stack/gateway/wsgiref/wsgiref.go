// Package wsgiref is the lab's reference server for the gateway
// interface, after Python's wsgiref.simple_server, which the talk's part
// III ran its app with: one process, one goroutine, one connection at a
// time, HTTP/1.0 answers, and the connection closed after each.
//
// It is what the PEP's own example server does and nothing more, so that
// the gateway interface can be seen without a pre-fork server around it.
//
// NOTES:
//   - simple_server copies the whole process environment into each
//     environ; this server does not, so no transcript shows a machine's
//     variables. Its environ has the other keys simple_server sets, in
//     its order (gateway.SimpleEnviron).
//   - A request the reader refuses gets http.server's error page; to a
//     line without a version (HTTP/0.9) the page comes without a head, as
//     Python sends it.
package wsgiref

import (
	"errors"
	"html"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Kind is the layer's name when its Config gives none.
const Kind = "wsgiref"

// ServerHeader is the Server header, after simple_server's
// "WSGIServer/0.2 CPython/3.11.2".
const ServerHeader = "WSGIServer/0.2 (ngw2f-lab)"

// Server is the reference server.
type Server struct {
	*stack.Serial
	app gateway.App
}

// New returns a Server for the app registered as appName ("wsgi:application"
// when empty), or an error when there is none.
func New(cfg stack.Config, appName string) (*Server, error) {
	if appName == "" {
		appName = "wsgi:application"
	}
	app, err := gateway.Lookup(appName)
	if err != nil {
		return nil, err
	}
	s := &Server{app: app}
	s.Serial = stack.NewSerial(cfg, Kind, s.handle)
	return s, nil
}

// handle serves the one request of a connection.
func (s *Server) handle(c net.Conn) {
	defer c.Close()
	req, err := http1.NewReader(c, http1.Limits{MaxRequestLine: 65537, MaxHeaderLine: 65537, MaxHeaders: 100}).ReadRequest()
	switch {
	case errors.Is(err, io.EOF):
		return
	case err != nil:
		c.Write(errorPage(req, err))
		return
	case req.Proto == "":
		c.Write(errorPage(req, errors.New("HTTP/0.9 is not served")))
		return
	}
	raw := c
	if tc, ok := c.(*trace.Conn); ok {
		raw = tc.Unwrap()
	}
	tracer := gateway.Tracer{Tap: s.Tap(), Conn: c, Server: s.Name()}
	env := gateway.SimpleEnviron(req, gateway.Origin{
		Software: ServerHeader, Local: raw.LocalAddr(), Remote: raw.RemoteAddr(), Errors: tracer.Errors(),
	})
	w := &response{w: c}
	if err := gateway.Serve(s.app, env, w, tracer); err != nil {
		s.Tap().Log(c, "log", "Traceback: "+err.Error())
		if !w.started {
			w.WriteHeader("500 Internal Server Error", http1.Headers{
				{Name: "Content-Type", Value: "text/plain"}, {Name: "Content-Length", Value: "59"}})
			w.Write([]byte("A server error occurred.  Please contact the administrator."))
		}
	}
}

// response writes simple_server's answers: HTTP/1.0, Date and Server
// first, then the app's headers as they are; the end of the body is the
// close.
type response struct {
	w       io.Writer
	started bool
}

func (r *response) WriteHeader(status string, h http1.Headers) error {
	r.started = true
	b := []byte("HTTP/1.0 " + status + "\r\nDate: " + time.Now().UTC().Format(dateLayout) + "\r\nServer: " + ServerHeader + "\r\n")
	for _, f := range h {
		b = append(b, f.Name+": "+f.Value+"\r\n"...)
	}
	_, err := r.w.Write(append(b, "\r\n"...))
	return err
}

func (r *response) Write(chunk []byte) error {
	_, err := r.w.Write(chunk)
	return err
}

func (r *response) Finish() error { return nil }

const dateLayout = "Mon, 02 Jan 2006 15:04:05 GMT"

// errorPage is Python's http.server error page for a request it cannot
// read; with no version on the request line, the page alone.
func errorPage(req *http1.Request, err error) []byte {
	msg := "Bad request syntax"
	var herr *http1.Error
	if errors.As(err, &herr) {
		msg = "Bad request syntax (" + herr.Detail + ")"
	}
	page := "<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n" +
		"        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n" +
		"        <p>Error code: 400</p>\n        <p>Message: " + html.EscapeString(msg) + ".</p>\n" +
		"        <p>Error code explanation: 400 - Bad request syntax or unsupported method.</p>\n    </body>\n</html>\n"
	if req == nil || req.Proto == "" {
		return []byte(page)
	}
	head := "HTTP/1.0 400 " + msg + "\r\nServer: " + ServerHeader + "\r\nDate: " + time.Now().UTC().Format(dateLayout) +
		"\r\nConnection: close\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: " + strconv.Itoa(len(page)) + "\r\n\r\n"
	return []byte(head + page)
}
