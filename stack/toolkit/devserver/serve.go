package devserver

import (
	"bytes"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
)

// serve builds the environ, calls the app through the gateway and writes
// its answer, as Werkzeug's run_wsgi.
func (x *exchange) serve(req *http1.Request) {
	// Python's http.server answers Expect: 100-continue when it speaks
	// HTTP/1.1 (threaded) to a 1.1 client, and Werkzeug answers it again
	// whatever the versions: a threaded server sends it twice (measured).
	if strings.EqualFold(strings.TrimSpace(req.Headers.Get("Expect")), "100-continue") {
		if x.minor11 && x.protocol == "HTTP/1.1" {
			x.c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
		}
		x.c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
	}
	tracer := gateway.Tracer{Tap: x.s.Tap(), Conn: x.c, Server: x.s.Name()}
	env := x.environ(req, tracer)
	w := &responseWriter{x: x, env: env}
	err := gateway.Serve(x.s.app, env, w, tracer)
	if err == nil {
		return
	}
	x.s.Tap().Log(x.c, "log", "Error on request: "+err.Error())
	if w.sent {
		return // Werkzeug writes its 500 page into the body begun; the lab ends the answer
	}
	resp := toolkit.Abort(500).Response()
	body, _ := resp.Data()
	if w.WriteHeader(resp.Status(), resp.WSGIHeaders()) == nil && env.String("REQUEST_METHOD") != "HEAD" {
		w.Write(body)
	}
	w.Finish()
}

// environ builds the environ with the keys Werkzeug's make_environ sets,
// in its order, and then one per header.
func (x *exchange) environ(req *http1.Request, tracer gateway.Tracer) *gateway.Environ {
	raw := rawConn(x.c)
	path, query, host := splitTarget(x.target)
	env := gateway.NewEnviron()
	env.Set(gateway.KeyVersion, gateway.Version{1, 0})
	env.Set(gateway.KeyURLScheme, "http")
	env.Set(gateway.KeyInput, input{req.Body})
	env.Set(gateway.KeyErrors, tracer.Errors())
	env.Set(gateway.KeyMultithread, x.s.opts.Threaded)
	env.Set(gateway.KeyMultiprocess, false)
	env.Set(gateway.KeyRunOnce, false)
	env.Set("werkzeug.socket", socketValue{raw})
	env.Set("SERVER_SOFTWARE", Software)
	env.Set("REQUEST_METHOD", x.method)
	env.Set("SCRIPT_NAME", "")
	env.Set("PATH_INFO", toolkit.Unquote(path))
	env.Set("QUERY_STRING", query)
	env.Set("REQUEST_URI", x.target)
	env.Set("RAW_URI", x.target)
	rhost, rport, _ := net.SplitHostPort(raw.RemoteAddr().String())
	env.Set("REMOTE_ADDR", rhost)
	env.Set("REMOTE_PORT", rport)
	lhost, lport, _ := net.SplitHostPort(raw.LocalAddr().String())
	env.Set("SERVER_NAME", lhost)
	env.Set("SERVER_PORT", lport)
	env.Set("SERVER_PROTOCOL", x.version)
	for _, h := range req.Headers {
		key := strings.ToUpper(strings.ReplaceAll(h.Name, "-", "_"))
		if key != "CONTENT_TYPE" && key != "CONTENT_LENGTH" {
			key = "HTTP_" + key
			if old, ok := env.Get(key); ok {
				h.Value = old.(string) + "," + h.Value
			}
		}
		env.Set(key, h.Value)
	}
	if req.Chunked {
		env.Set("wsgi.input_terminated", true)
	}
	if host != "" {
		env.Set("HTTP_HOST", host)
	}
	return env
}

// splitTarget splits a request target into its path and query, and the
// host of an absolute URL, as Werkzeug's url_parse.
func splitTarget(target string) (path, query, host string) {
	if !strings.HasPrefix(target, "/") {
		if u, err := url.Parse(target); err == nil && u.Scheme != "" && u.Host != "" {
			return u.EscapedPath(), u.RawQuery, u.Host
		}
	}
	path, _, _ = strings.Cut(target, "#")
	path, query, _ = strings.Cut(path, "?")
	return path, query, ""
}

// responseWriter writes an answer as Werkzeug's run_wsgi writes it: the
// status line in the server's version, Server and Date, the app's
// headers, Transfer-Encoding: chunked when an HTTP/1.1 server has no
// length to give, and Connection: close.
type responseWriter struct {
	x       *exchange
	env     *gateway.Environ
	sent    bool
	chunked bool
}

func (w *responseWriter) WriteHeader(status string, headers http1.Headers) error {
	w.sent = true
	code, _ := strconv.Atoi(status[:3])
	w.x.remote = w.env.String("REMOTE_ADDR")
	w.x.logRequest(code)
	if w.x.version == "HTTP/0.9" {
		return nil
	}
	var b bytes.Buffer
	b.WriteString(w.x.protocol + " " + status + "\r\nServer: " + ServerHeader + "\r\nDate: " + toolkit.HTTPDate(time.Now()) + "\r\n")
	for _, h := range headers {
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	if !headers.Has("Content-Length") && w.env.String("REQUEST_METHOD") != "HEAD" &&
		!(code >= 100 && code < 200) && code != 204 && code != 304 && w.x.protocol == "HTTP/1.1" {
		w.chunked = true
		b.WriteString("Transfer-Encoding: chunked\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	_, err := w.x.c.Write(b.Bytes())
	return err
}

func (w *responseWriter) Write(chunk []byte) error {
	if w.chunked {
		chunk = append(append([]byte(strconv.FormatInt(int64(len(chunk)), 16)+"\r\n"), chunk...), "\r\n"...)
	}
	_, err := w.x.c.Write(chunk)
	return err
}

func (w *responseWriter) Finish() error {
	if !w.chunked {
		return nil
	}
	_, err := io.WriteString(w.x.c, "0\r\n\r\n")
	return err
}

// socketValue is werkzeug.socket in the environ: the client's connection.
type socketValue struct{ net.Conn }

func (s socketValue) String() string { return "<socket " + s.RemoteAddr().String() + ">" }

// input is wsgi.input as the lab shows it.
type input struct{ io.Reader }

func (input) String() string { return "<wsgi.input>" }
