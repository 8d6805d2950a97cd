package toolkit

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// DefaultMimetype is the mimetype of a toolkit Response that is given
// none, as Werkzeug's Response.default_mimetype. (Flask's Response makes
// it text/html; see WithDefaultMimetype.)
const DefaultMimetype = "text/plain"

// Response is an answer as Werkzeug's Response holds it: a status, headers
// in order, and a body that is a sequence of byte chunks (whose length is
// known) or a stream. A Response is itself a gateway app: its ServeWSGI
// method calls start_response with the status and headers and returns the
// body, as the talk's first Werkzeug example does with
// response(environ, start_response).
type Response struct {
	// Headers are the response's headers in the order they go out.
	Headers http1.Headers

	status  string
	code    int
	chunks  [][]byte     // the body, when it is a sequence
	stream  gateway.Body // the body, when it is streamed
	onClose []func() error
}

// Option sets something about a new Response.
type Option func(*options)

type options struct {
	code            int    // the status by its code, when status is ""
	status          string // the status as text
	mimetype        string
	contentType     string
	defaultMimetype string
	headers         http1.Headers
}

// Status sets the status by its code: 404 becomes "404 NOT FOUND".
func Status(code int) Option {
	return func(o *options) { o.code, o.status = code, "" }
}

// StatusText sets the status as text: a code alone ("201") gets its
// reason, a code and a reason ("201 Made") are kept as they are.
func StatusText(s string) Option { return func(o *options) { o.status, o.code = s, 0 } }

// Mimetype sets the Content-Type from a mimetype, adding the charset to a
// text type: "text/plain" becomes "text/plain; charset=utf-8".
func Mimetype(m string) Option { return func(o *options) { o.mimetype = m } }

// WithDefaultMimetype sets the mimetype used when none is given and the
// headers have no Content-Type, as a Response subclass does.
func WithDefaultMimetype(m string) Option { return func(o *options) { o.defaultMimetype = m } }

// WithHeaders sets the headers the response starts with, before the
// Content-Type and Content-Length it adds.
func WithHeaders(h http1.Headers) Option { return func(o *options) { o.headers = h } }

// NewResponse returns a response whose body is text, with a
// Content-Length.
func NewResponse(text string, opts ...Option) *Response {
	return NewResponseBytes([]byte(text), opts...)
}

// NewResponseBytes returns a response whose body is b, with a
// Content-Length.
func NewResponseBytes(b []byte, opts ...Option) *Response {
	r := newResponse(opts)
	r.SetData(b)
	return r
}

// NewResponseChunks returns a response whose body is the given chunks:
// its Content-Length is worked out when it is served.
func NewResponseChunks(chunks [][]byte, opts ...Option) *Response {
	r := newResponse(opts)
	r.chunks = chunks
	return r
}

// NewStreamingResponse returns a response whose body is streamed from
// body, with no Content-Length: the server frames it.
func NewStreamingResponse(body gateway.Body, opts ...Option) *Response {
	r := newResponse(opts)
	r.stream = body
	return r
}

func newResponse(opts []Option) *Response {
	o := options{code: 200, defaultMimetype: DefaultMimetype}
	for _, f := range opts {
		f(&o)
	}
	r := &Response{Headers: append(make(http1.Headers, 0, len(o.headers)+3), o.headers...)}
	ct := o.contentType
	if ct == "" {
		m := o.mimetype
		if m == "" && !r.Headers.Has("Content-Type") {
			m = o.defaultMimetype
		}
		if m != "" {
			ct = ContentTypeFor(m)
		}
	}
	if ct != "" {
		r.Headers = r.Headers.Set("Content-Type", ct)
	}
	if o.status != "" {
		r.SetStatusText(o.status)
	} else {
		r.SetStatus(o.code)
	}
	return r
}

// charsetTypes are the mimetypes outside text/ that get a charset.
var charsetTypes = map[string]bool{
	"application/ecmascript": true, "application/javascript": true, "application/sql": true,
	"application/xml": true, "application/xml-dtd": true, "application/xml-external-parsed-entity": true,
}

// ContentTypeFor returns the Content-Type Werkzeug makes of a mimetype:
// "; charset=utf-8" is added to text/*, to a type ending in +xml and to a
// few known text types such as application/javascript.
func ContentTypeFor(mimetype string) string {
	switch mimetype {
	case "text/html":
		return "text/html; charset=utf-8"
	case "text/plain":
		return "text/plain; charset=utf-8"
	}
	if strings.HasPrefix(mimetype, "text/") || charsetTypes[mimetype] || strings.HasSuffix(mimetype, "+xml") {
		return mimetype + "; charset=utf-8"
	}
	return mimetype
}

// Status returns the status as it goes out: "200 OK".
func (r *Response) Status() string { return r.status }

// StatusCode returns the status code.
func (r *Response) StatusCode() int { return r.code }

// SetStatus sets the status by its code.
func (r *Response) SetStatus(code int) { r.status, r.code = StatusLine(code), code }

// SetStatusText sets the status as text, as the StatusText option.
func (r *Response) SetStatusText(s string) { r.status, r.code = cleanStatus(s) }

// Mimetype returns the Content-Type without its parameters, lower-cased.
func (r *Response) Mimetype() string {
	m, _, _ := strings.Cut(r.Headers.Get("Content-Type"), ";")
	return strings.ToLower(strings.TrimSpace(m))
}

// SetMimetype sets the Content-Type from a mimetype, as the Mimetype
// option.
func (r *Response) SetMimetype(m string) {
	r.Headers = r.Headers.Set("Content-Type", ContentTypeFor(m))
}

// SetData makes b the whole body and sets Content-Length to its length.
func (r *Response) SetData(b []byte) {
	r.chunks, r.stream = [][]byte{b}, nil
	r.Headers = r.Headers.Set("Content-Length", strconv.Itoa(len(b)))
}

// Data returns the whole body. A streamed body is read to its end and
// kept, so the response becomes a sequence.
func (r *Response) Data() ([]byte, error) {
	if r.stream != nil {
		var chunks [][]byte
		for {
			b, err := r.stream.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			chunks = append(chunks, b)
		}
		r.chunks, r.stream = chunks, nil
	}
	if len(r.chunks) == 1 {
		return r.chunks[0], nil
	}
	var out []byte
	for _, c := range r.chunks {
		out = append(out, c...)
	}
	return out, nil
}

// IsStreamed reports whether the body is a stream, whose length is not
// known before it is sent.
func (r *Response) IsStreamed() bool { return r.stream != nil }

// CallOnClose adds f to what runs when the server closes the body.
func (r *Response) CallOnClose(f func() error) { r.onClose = append(r.onClose, f) }

// String writes r as Python's repr does: <Response 26 bytes [200 OK]>, or
// <Response streamed [200 OK]>.
func (r *Response) String() string {
	if r.stream != nil {
		return "<Response streamed [" + r.status + "]>"
	}
	return "<Response " + strconv.Itoa(r.length()) + " bytes [" + r.status + "]>"
}

func (r *Response) length() int {
	n := 0
	for _, c := range r.chunks {
		n += len(c)
	}
	return n
}

// ServeWSGI answers a request with r: it calls start_response with the
// status and the headers as WSGIHeaders makes them, and returns the body
// (none to a HEAD request or for a status that has no body). The body's
// Close runs what CallOnClose added.
func (r *Response) ServeWSGI(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
	if hop := NewHop(env, gateway.Layer, Layer); hop.On() {
		hop.Up("Response", F("response", r.String()), F("call", "response(environ, start_response)"))
	}
	if err := start(r.status, r.WSGIHeaders(), nil); err != nil {
		return nil, err
	}
	return r.appIter(env), nil
}

// WSGIHeaders returns the headers as they go to start_response:
// r.Headers without Content-Length for a status that has no body, without
// the entity headers for 304, and with a Content-Length added for a body
// that is a sequence when it has none. When none of that applies it is
// r.Headers itself, which the caller must not change.
func (r *Response) WSGIHeaders() http1.Headers {
	noBody := r.code >= 100 && r.code < 200 || r.code == 204 || r.code == 304
	if !noBody && (r.stream != nil || r.Headers.Has("Content-Length")) {
		return r.Headers
	}
	h := r.Headers.Clone()
	switch {
	case r.code >= 100 && r.code < 200 || r.code == 204:
		h = h.Del("Content-Length")
	case r.code == 304:
		for _, name := range entityHeaders {
			h = h.Del(name)
		}
	}
	if r.stream == nil && !h.Has("Content-Length") && r.code != 204 && r.code != 304 && !(r.code >= 100 && r.code < 200) {
		h = h.Add("Content-Length", strconv.Itoa(r.length()))
	}
	return h
}

// entityHeaders are the headers Werkzeug takes out of a 304 answer.
var entityHeaders = []string{"Allow", "Content-Encoding", "Content-Language", "Content-Length",
	"Content-MD5", "Content-Range", "Content-Type", "Last-Modified"}

// appIter returns the body the server sends: nothing to a HEAD request
// or for a status without a body, else the chunks or the stream.
func (r *Response) appIter(env *gateway.Environ) gateway.Body {
	b := &body{r: r}
	switch {
	case env.String("REQUEST_METHOD") == "HEAD" || r.code >= 100 && r.code < 200 || r.code == 204 || r.code == 304:
	case r.stream != nil:
		b.stream = r.stream
	default:
		b.chunks = r.chunks
	}
	return b
}

// body is a Response's body as the server iterates it, as Werkzeug's
// ClosingIterator: its Close is the Response's.
type body struct {
	r      *Response
	chunks [][]byte
	stream gateway.Body
}

func (b *body) Next() ([]byte, error) {
	if b.stream != nil {
		return b.stream.Next()
	}
	if len(b.chunks) == 0 {
		return nil, io.EOF
	}
	c := b.chunks[0]
	b.chunks = b.chunks[1:]
	return c, nil
}

func (b *body) Close() error { return b.r.close() }

// close closes a streamed body, sent or not, and runs what CallOnClose
// added, as Werkzeug's Response.close.
func (r *Response) close() error {
	var errs []error
	if c, ok := r.stream.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	for _, f := range r.onClose {
		errs = append(errs, f())
	}
	return errors.Join(errs...)
}
