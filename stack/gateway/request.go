package gateway

import (
	"io"
	"net"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/addrtext"
)

// Origin is what a server knows about a request besides its bytes: where
// it came from, where it arrived, and what the server is.
type Origin struct {
	// Software is SERVER_SOFTWARE, such as "gunicorn/20.1.0".
	Software string
	// Local is the address of the socket the server listens on; it gives
	// SERVER_NAME and SERVER_PORT, as gunicorn takes them.
	Local net.Addr
	// Remote is the client's address: REMOTE_ADDR and REMOTE_PORT.
	Remote net.Addr
	// Scheme is wsgi.url_scheme; empty means "http".
	Scheme string
	// Multiprocess and Multithread are wsgi.multiprocess and
	// wsgi.multithread: whether other processes or threads may run the
	// same app at once.
	Multiprocess, Multithread bool
	// Input is wsgi.input, the request body; nil means the request's Body.
	Input io.Reader
	// Errors is wsgi.errors; nil means a writer that discards.
	Errors io.Writer
	// ScriptName is where the app is mounted (SCRIPT_NAME); a request
	// header Script-Name overrides it, as in gunicorn.
	ScriptName string
	// Extra are keys of the server's own, set right after wsgi.input, as
	// gunicorn sets gunicorn.socket there.
	Extra []Entry
}

// Entry is one key and value for an Environ.
type Entry struct {
	Key   string
	Value any
}

// FileWrapper is wsgi.file_wrapper: it turns a reader into a body that
// yields it in blocks, as gunicorn's FileWrapper does.
type FileWrapper func(r io.Reader, blockSize int) Body

func (FileWrapper) String() string { return "<wsgi.file_wrapper>" }

// RequestEnviron builds the environ of req with the keys gunicorn 20.1.0
// sets, in the order it sets them (measured): the wsgi.* constants,
// SERVER_SOFTWARE, wsgi.input, the request line's parts, one key per
// header, then the scheme, the addresses and the path.
//
// Each header becomes HTTP_ and its name upper-cased with dashes turned to
// underscores; a repeated header's values are joined with a comma;
// Content-Type and Content-Length become CONTENT_TYPE and CONTENT_LENGTH.
// RAW_URI is the target as sent; QUERY_STRING and the path come from it as
// gunicorn splits it (http1.SplitTarget). PATH_INFO is that path as
// gunicorn's unquote_to_wsgi_str makes it: each byte from 0x80 up, a
// latin-1 character to gunicorn, is first encoded as UTF-8 (two bytes),
// then the %XX escapes are decoded (a bad escape is kept as it is), so
// that raw J\xc3\xbcrgen reaches the app as J\xc3\x83\xc2\xbcrgen,
// which Flask reads as "JÃ¼rgen", while J%C3%BCrgen reaches it as
// "Jürgen". SERVER_PROTOCOL is HTTP/ and the version's numbers, without
// leading zeros. Header lines the reader marked Invalid are left out.
func RequestEnviron(req *http1.Request, o Origin) *Environ {
	const requestKeys = 20 // the keys set whatever the request's headers
	e := newEnvironFor(requestKeys + len(o.Extra) + len(req.Headers))
	e.Set(KeyErrors, o.errors())
	e.Set(KeyVersion, Version{1, 0})
	e.Set(KeyMultithread, o.Multithread)
	e.Set(KeyMultiprocess, o.Multiprocess)
	e.Set(KeyRunOnce, false)
	e.Set("wsgi.file_wrapper", FileWrapper(NewFileBody))
	e.Set("wsgi.input_terminated", true)
	e.setString("SERVER_SOFTWARE", o.Software)
	e.Set(KeyInput, o.input(req))
	for _, x := range o.Extra {
		e.Set(x.Key, x.Value)
	}
	path, query, _ := http1.SplitTarget(req.Target)
	e.setString("REQUEST_METHOD", strings.ToUpper(req.Method))
	e.setString("QUERY_STRING", query)
	e.setString("RAW_URI", req.Target)
	e.setString("SERVER_PROTOCOL", protocol(req.Major, req.Minor))

	script := o.ScriptName
	for _, h := range req.Headers {
		if h.Invalid {
			continue
		}
		key, scriptName := headerKey(h.Name)
		if scriptName {
			script = h.Value
		}
		v := h.Value
		switch key {
		case "CONTENT_TYPE", "CONTENT_LENGTH":
			e.setString(key, v)
			continue
		}
		if old, ok := e.lookupString(key); ok {
			v = old + "," + v
		}
		e.setString(key, v)
	}

	scheme := o.Scheme
	if scheme == "" {
		scheme = "http"
	}
	e.setString(KeyURLScheme, scheme)
	host, port := splitAddr(o.Remote)
	e.setString("REMOTE_ADDR", host)
	e.setString("REMOTE_PORT", port)
	host, port = splitAddr(o.Local)
	e.setString("SERVER_NAME", host)
	e.setString("SERVER_PORT", port)
	if script != "" {
		if _, after, ok := strings.Cut(path, script); ok {
			path = after
		}
	}
	e.setString("PATH_INFO", unquote(latin1ToUTF8(path)))
	e.setString("SCRIPT_NAME", script)
	return e
}

// protocol returns SERVER_PROTOCOL for an HTTP version.
func protocol(major, minor int) string {
	switch {
	case major == 1 && minor == 1:
		return "HTTP/1.1"
	case major == 1 && minor == 0:
		return "HTTP/1.0"
	}
	return "HTTP/" + strconv.Itoa(major) + "." + strconv.Itoa(minor)
}

// latin1ToUTF8 encodes s, bytes each standing for a latin-1 character, as
// UTF-8.
func latin1ToUTF8(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			b := make([]byte, 0, len(s)+8)
			for j := 0; j < len(s); j++ {
				b = utf8.AppendRune(b, rune(s[j]))
			}
			return string(b)
		}
	}
	return s
}

func (o Origin) errors() io.Writer {
	if o.Errors == nil {
		return io.Discard
	}
	return o.Errors
}

func (o Origin) input(req *http1.Request) io.Reader {
	if o.Input != nil {
		return o.Input
	}
	return input{req.Body}
}

// input is wsgi.input as the lab shows it.
type input struct{ io.Reader }

func (input) String() string { return "<wsgi.input>" }

// splitAddr returns an address's host and port, or the whole address and
// "" when it has no port: what net.SplitHostPort makes of a.String().
func splitAddr(a net.Addr) (host, port string) {
	if ta, ok := a.(*net.TCPAddr); ok && ta != nil && ta.Zone == "" && (len(ta.IP) == net.IPv4len || len(ta.IP) == net.IPv6len) {
		// Both in one string, where a.String() takes three allocations.
		var buf [64]byte
		b := addrtext.AppendIP(buf[:0], ta.IP)
		n := len(b)
		s := string(strconv.AppendInt(b, int64(ta.Port), 10))
		return s[:n], s[n:]
	}
	if a == nil {
		return "", ""
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String(), ""
	}
	return host, port
}

// unquote decodes %XX escapes; an escape that is not two hex digits is
// kept as it is, as Python's urllib.parse.unquote does.
func unquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}

// VarEnviron builds the environ of a request that came as CGI-style
// variables, as a uwsgi packet carries them, the way uWSGI builds it: the
// variables first, as they came (a repeated key keeps its last value),
// then the wsgi.* keys, with wsgi.url_scheme from UWSGI_SCHEME, or
// "https" when HTTPS is "on". o.Input is the body; o.Local, o.Remote,
// o.ScriptName and o.Extra are not used: the variables say it all.
func VarEnviron(vars []Entry, o Origin) *Environ {
	e := NewEnviron()
	for _, v := range vars {
		e.Set(v.Key, v.Value)
	}
	scheme := e.String("UWSGI_SCHEME")
	switch {
	case scheme != "":
	case e.String("HTTPS") == "on":
		scheme = "https"
	default:
		scheme = "http"
	}
	in := o.Input
	if in == nil {
		in = eofReader{}
	}
	e.Set(KeyInput, input{in})
	e.Set(KeyVersion, Version{1, 0})
	e.Set(KeyErrors, o.errors())
	e.Set(KeyRunOnce, false)
	e.Set(KeyMultithread, o.Multithread)
	e.Set(KeyMultiprocess, o.Multiprocess)
	e.Set(KeyURLScheme, scheme)
	e.Set("wsgi.file_wrapper", FileWrapper(NewFileBody))
	e.Set("SERVER_SOFTWARE", o.Software)
	return e
}
