package gateway

import (
	"net"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/pystr"
)

// SimpleEnviron builds the environ of req as Python 3.11's
// wsgiref.simple_server builds it (measured), in its order: the server's
// base keys (SERVER_NAME, GATEWAY_INTERFACE, SERVER_PORT, REMOTE_HOST,
// CONTENT_LENGTH, SCRIPT_NAME), then the request's, then one key per
// header, then the wsgi.* keys.
//
// SERVER_NAME is "localhost" for a loopback address (Python asks the
// resolver, socket.getfqdn, and gets that), else the address.
// SERVER_PROTOCOL and REQUEST_METHOD are as sent; PATH_INFO is the path
// before the first '?', leading slashes reduced to one, with %XX escapes
// decoded; CONTENT_TYPE is text/plain without a Content-Type header, and
// CONTENT_LENGTH stays "" without a Content-Length. Each header's value
// has the whitespace around it stripped; a header whose name is a key
// already set (Content-Type is CONTENT_TYPE) is left out, a repeated one
// joined with a comma. There is no RAW_URI, no REMOTE_PORT and no
// wsgi.input_terminated, which are gunicorn's; and wsgi.multithread is
// false, as simple_server serves one request at a time.
//
// Python also puts the whole process environment (PATH, HOME, ...) first
// in every environ; SimpleEnviron does not, so that no lab shows a
// machine's variables. o.Multiprocess, o.Multithread, o.Scheme,
// o.ScriptName and o.Extra are not used.
func SimpleEnviron(req *http1.Request, o Origin) *Environ {
	e := NewEnviron()
	host, port := splitAddr(o.Local)
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		host = "localhost"
	}
	e.Set("SERVER_NAME", host)
	e.Set("GATEWAY_INTERFACE", "CGI/1.1")
	e.Set("SERVER_PORT", port)
	e.Set("REMOTE_HOST", "")
	e.Set("CONTENT_LENGTH", "")
	e.Set("SCRIPT_NAME", "")
	e.Set("SERVER_PROTOCOL", req.Proto)
	e.Set("SERVER_SOFTWARE", o.Software)
	e.Set("REQUEST_METHOD", req.Method)
	target := req.Target
	if strings.HasPrefix(target, "//") {
		target = "/" + strings.TrimLeft(target, "/")
	}
	path, query, _ := strings.Cut(target, "?")
	e.Set("PATH_INFO", unquote(path))
	e.Set("QUERY_STRING", query)
	remote, _ := splitAddr(o.Remote)
	e.Set("REMOTE_ADDR", remote)
	if ct, ok := firstValue(req.Headers, "Content-Type"); ok {
		e.Set("CONTENT_TYPE", ct)
	} else {
		e.Set("CONTENT_TYPE", "text/plain")
	}
	if cl, _ := firstValue(req.Headers, "Content-Length"); cl != "" {
		e.Set("CONTENT_LENGTH", cl)
	}
	for _, h := range req.Headers {
		if h.Invalid {
			continue
		}
		k := strings.ToUpper(strings.ReplaceAll(h.Name, "-", "_"))
		v := pystr.Strip(h.Value)
		if e.find(k) >= 0 {
			continue
		}
		if old, ok := e.lookupString("HTTP_" + k); ok {
			v = old + "," + v
		}
		e.Set("HTTP_"+k, v)
	}
	e.Set(KeyInput, o.input(req))
	e.Set(KeyErrors, o.errors())
	e.Set(KeyVersion, Version{1, 0})
	e.Set(KeyRunOnce, false)
	e.Set(KeyURLScheme, "http")
	e.Set(KeyMultithread, false)
	e.Set(KeyMultiprocess, false)
	e.Set("wsgi.file_wrapper", FileWrapper(NewFileBody))
	return e
}

// firstValue returns the value of the first valid header named name.
func firstValue(h http1.Headers, name string) (string, bool) {
	for _, f := range h {
		if !f.Invalid && strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}
