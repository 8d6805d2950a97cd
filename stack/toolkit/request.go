package toolkit

import (
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// DefaultMaxContentLength bounds the body a Request reads when its
// MaxContentLength is zero. Werkzeug has no bound by default; the lab has
// one so that a learner's request cannot exhaust a worker's memory.
const DefaultMaxContentLength = 16 << 20

// Request is a request as Werkzeug's Request wraps an environ: the
// method, the path, the query string's args, the headers, cookies, form
// and body, each read from the environ the first time it is asked for.
// A Request is not safe for concurrent use.
type Request struct {
	// MaxContentLength bounds the body read by Data, Form and Files: a
	// longer body is answered 413. Zero means DefaultMaxContentLength, a
	// negative value no bound.
	MaxContentLength int64

	env     *gateway.Environ
	hop     Hop
	args    *MultiDict
	headers http1.Headers
	cookies *MultiDict
	data    []byte
	dataErr error
	read    bool
	form    *MultiDict
	files   *Files
}

// NewRequest wraps env in a Request and puts it in the environ as
// werkzeug.request, as Werkzeug does. It records the hand-off from the
// gateway to the toolkit.
func NewRequest(env *gateway.Environ) *Request {
	r := &Request{env: env, hop: NewHop(env, gateway.Layer, Layer)}
	env.Set("werkzeug.request", r)
	if r.hop.On() {
		r.hop.Down("Request(environ)",
			F("method", r.Method()), F("url", r.URL()), F("path", r.Path()),
			F("args", r.Args().String()), F("remote_addr", r.RemoteAddr()))
	}
	return r
}

// Environ returns the environ the request wraps.
func (r *Request) Environ() *gateway.Environ { return r.env }

// Hop returns the hop from the gateway to the toolkit, on which the
// toolkit records what it does with the request.
func (r *Request) Hop() Hop { return r.hop }

// Method returns the method, upper-cased.
func (r *Request) Method() string { return strings.ToUpper(r.env.String("REQUEST_METHOD")) }

// Scheme returns wsgi.url_scheme: http or https.
func (r *Request) Scheme() string {
	if s := r.env.String(gateway.KeyURLScheme); s != "" {
		return s
	}
	return "http"
}

// Path returns the path inside the app: PATH_INFO, always with one
// leading slash.
func (r *Request) Path() string {
	return "/" + strings.TrimLeft(ValidUTF8(r.env.String("PATH_INFO")), "/")
}

// RootPath returns where the app is mounted: SCRIPT_NAME without a
// trailing slash.
func (r *Request) RootPath() string {
	return strings.TrimRight(ValidUTF8(r.env.String("SCRIPT_NAME")), "/")
}

// QueryString returns QUERY_STRING as sent.
func (r *Request) QueryString() string { return r.env.String("QUERY_STRING") }

// FullPath returns the path and the query string: "/hello?name=World".
func (r *Request) FullPath() string { return r.Path() + "?" + ValidUTF8(r.QueryString()) }

// Host returns the host the request was made to: the Host header, or
// SERVER_NAME and SERVER_PORT when there is none, without the port when
// it is the scheme's own.
func (r *Request) Host() string {
	host, ok := r.env.Get("HTTP_HOST")
	h, _ := host.(string)
	if !ok {
		h = r.env.String("SERVER_NAME")
		if p := r.env.String("SERVER_PORT"); p != "" {
			if _, err := strconv.Atoi(p); err == nil {
				h += ":" + p
			}
		}
	}
	switch s := r.Scheme(); {
	case (s == "http" || s == "ws") && strings.HasSuffix(h, ":80"):
		h = strings.TrimSuffix(h, ":80")
	case (s == "https" || s == "wss") && strings.HasSuffix(h, ":443"):
		h = strings.TrimSuffix(h, ":443")
	}
	return h
}

// URL returns the whole URL of the request, as Werkzeug rebuilds it.
func (r *Request) URL() string {
	u := r.BaseURL()
	if q := r.QueryString(); q != "" {
		u += "?" + URIToIRI(Quote(q, ":&%=+$!*'(),"))
	}
	return u
}

// BaseURL returns the URL without the query string.
func (r *Request) BaseURL() string {
	return r.RootURL() + URIToIRI(Quote(strings.TrimLeft(r.Path(), "/"), "/:"))
}

// RootURL returns the scheme, the host and where the app is mounted,
// with a trailing slash.
func (r *Request) RootURL() string {
	return r.Scheme() + "://" + r.Host() + URIToIRI(Quote(r.RootPath(), "/:")) + "/"
}

// HostURL returns the scheme and the host: "http://localhost:8080/".
func (r *Request) HostURL() string { return r.Scheme() + "://" + r.Host() + "/" }

// RemoteAddr returns REMOTE_ADDR: the peer that connected, which behind a
// proxy is the proxy, unless proxy-fix put the client there.
func (r *Request) RemoteAddr() string { return r.env.String("REMOTE_ADDR") }

// AccessRoute returns the addresses in X-Forwarded-For, the client first,
// or REMOTE_ADDR alone when there is no such header.
func (r *Request) AccessRoute() []string {
	if xff, ok := r.env.Get("HTTP_X_FORWARDED_FOR"); ok {
		s, _ := xff.(string)
		return ParseListHeader(s)
	}
	if a := r.RemoteAddr(); a != "" {
		return []string{a}
	}
	return nil
}

// Args returns the query string's keys and values.
func (r *Request) Args() *MultiDict {
	if r.args == nil {
		r.args = DecodeQuery(r.QueryString())
	}
	return r.args
}

// Headers returns the request's headers as Werkzeug's EnvironHeaders
// shows them: one per HTTP_ key of the environ and for CONTENT_TYPE and
// CONTENT_LENGTH when they are not empty, in the environ's order, their
// names rebuilt in title case (a repeated header is one, its values
// joined by the server).
func (r *Request) Headers() http1.Headers {
	if r.headers != nil {
		return r.headers
	}
	h := http1.Headers{}
	for _, k := range r.env.Keys() {
		v, _ := r.env.Get(k)
		s, ok := v.(string)
		switch {
		case !ok:
		case strings.HasPrefix(k, "HTTP_") && k != "HTTP_CONTENT_TYPE" && k != "HTTP_CONTENT_LENGTH":
			h = h.Add(titleCase(strings.ReplaceAll(k[5:], "_", "-")), s)
		case (k == "CONTENT_TYPE" || k == "CONTENT_LENGTH") && s != "":
			h = h.Add(titleCase(strings.ReplaceAll(k, "_", "-")), s)
		}
	}
	r.headers = h
	return h
}

// titleCase is Python's str.title(): each run of letters starts upper
// case and goes on lower case.
func titleCase(s string) string {
	b := []rune(s)
	prevLetter := false
	for i, c := range b {
		if unicode.IsLetter(c) {
			if prevLetter {
				b[i] = unicode.ToLower(c)
			} else {
				b[i] = unicode.ToUpper(c)
			}
			prevLetter = true
		} else {
			prevLetter = false
		}
	}
	return string(b)
}

// Cookies returns the cookies the Cookie headers sent.
func (r *Request) Cookies() *MultiDict {
	if r.cookies == nil {
		r.cookies = ParseCookie(strings.Join(r.Headers().Values("Cookie"), ";"))
	}
	return r.cookies
}

// ContentType returns CONTENT_TYPE.
func (r *Request) ContentType() string { return r.env.String("CONTENT_TYPE") }

// Mimetype returns the Content-Type without its options, lower-cased.
func (r *Request) Mimetype() string {
	m, _ := ParseOptionsHeader(r.ContentType())
	return strings.ToLower(m)
}

// ContentLength returns CONTENT_LENGTH as a number, and false when there
// is none, it is not a number, or the body is chunked.
func (r *Request) ContentLength() (int64, bool) {
	if strings.EqualFold(r.env.String("HTTP_TRANSFER_ENCODING"), "chunked") {
		return 0, false
	}
	return parseLength(r.env.String("CONTENT_LENGTH"))
}

func (r *Request) maxLength() int64 {
	switch {
	case r.MaxContentLength == 0:
		return DefaultMaxContentLength
	case r.MaxContentLength < 0:
		return -1
	}
	return r.MaxContentLength
}

// Data returns the body, read once from wsgi.input: up to its length,
// or to its end when the server says the input ends by itself
// (wsgi.input_terminated), else nothing. A body longer than
// MaxContentLength is a 413 error.
func (r *Request) Data() ([]byte, error) {
	if r.read {
		return r.data, r.dataErr
	}
	r.read = true
	limit := r.maxLength()
	n, known := r.ContentLength()
	in := r.env.Input()
	switch terminated, _ := r.env.Get("wsgi.input_terminated"); {
	case terminated == true:
	case !known:
		return nil, nil
	default:
		in = io.LimitReader(in, n)
	}
	if known && limit >= 0 && n > limit {
		r.dataErr = Abort(413)
		return nil, r.dataErr
	}
	if limit >= 0 {
		in = io.LimitReader(in, limit+1)
	}
	r.data, r.dataErr = io.ReadAll(in)
	if r.dataErr == nil && limit >= 0 && int64(len(r.data)) > limit {
		r.data, r.dataErr = nil, Abort(413)
	}
	return r.data, r.dataErr
}

// Form returns the fields of a urlencoded or multipart body. A body of
// another type, or one that cannot be parsed, gives an empty form, as in
// Werkzeug; only a body too long is an error (413).
func (r *Request) Form() (*MultiDict, error) {
	if err := r.parseForm(); err != nil {
		return &MultiDict{}, err
	}
	return r.form, nil
}

// Files returns the files of a multipart body.
func (r *Request) Files() (*Files, error) {
	if err := r.parseForm(); err != nil {
		return &Files{}, err
	}
	return r.files, nil
}

func (r *Request) parseForm() error {
	if r.form != nil {
		return nil
	}
	if r.ContentType() == "" {
		r.form, r.files = &MultiDict{}, &Files{}
		return nil
	}
	body, err := r.Data()
	if err != nil {
		return err
	}
	form, files, err := ParseForm(r.ContentType(), body, -1)
	if err != nil {
		return err
	}
	r.form, r.files = form, files
	if r.hop.On() {
		r.hop.Down("form", F("form", form.String()), F("files", strconv.Itoa(len(files.files))))
	}
	return nil
}

// String writes r as Python's repr does:
// <Request 'http://localhost/' [GET]>.
func (r *Request) String() string { return "<Request " + Repr(r.URL()) + " [" + r.Method() + "]>" }

// URIToIRI undoes the %XX escapes that need not be there in a URL shown to
// people, as Werkzeug's uri_to_iri: those of UTF-8 text and of the
// always-safe ASCII characters. An escape of another ASCII character,
// and bytes that are not UTF-8, stay escaped.
func URIToIRI(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c, ok := escaped(s, i); ok {
			if c >= 0x80 || strings.IndexByte(alwaysSafe, c) >= 0 {
				b = append(b, c)
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return requoteInvalid(b)
}

// requoteInvalid %XX-escapes each byte of b that is not part of UTF-8.
func requoteInvalid(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var out strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out.WriteString(Quote(string(b[:1]), ""))
		} else {
			out.Write(b[:size])
		}
		b = b[size:]
	}
	return out.String()
}
