package toolkit

import (
	"fmt"
	"io"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

func headerList(h http1.Headers) string {
	out := ""
	for _, f := range h {
		out += fmt.Sprintf("(%s: %s)", f.Name, f.Value)
	}
	return out
}

// The expectations are Werkzeug 2.2.2's for the same Response (checked
// with /usr/bin/python3).
func TestResponseHeadersAsWerkzeug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		r      *Response
		status string
		want   string // the headers as they go to start_response
		repr   string
	}{
		{"text", NewResponse("x"), "200 OK", "(Content-Type: text/plain; charset=utf-8)(Content-Length: 1)", "<Response 1 bytes [200 OK]>"},
		{"empty", NewResponseChunks(nil), "200 OK", "(Content-Type: text/plain; charset=utf-8)(Content-Length: 0)", "<Response 0 bytes [200 OK]>"},
		{"chunks", NewResponseChunks([][]byte{[]byte("a"), []byte("bc")}, Status(201), WithHeaders(http1.Headers{{Name: "X-A", Value: "1"}}), Mimetype("application/json")),
			"201 CREATED", "(X-A: 1)(Content-Type: application/json)(Content-Length: 3)", "<Response 3 bytes [201 CREATED]>"},
		{"unknown code", NewResponse("x", StatusText("299")), "299 UNKNOWN", "(Content-Type: text/plain; charset=utf-8)(Content-Length: 1)", ""},
		{"not a code", NewResponse("x", StatusText("abc")), "0 abc", "(Content-Type: text/plain; charset=utf-8)(Content-Length: 1)", ""},
		{"204", NewResponse("x", Status(204)), "204 NO CONTENT", "(Content-Type: text/plain; charset=utf-8)", ""},
		{"304", NewResponse("x", Status(304), WithHeaders(http1.Headers{{Name: "Etag", Value: `"e"`}, {Name: "Expires", Value: "x"}})), "304 NOT MODIFIED", `(Etag: "e")(Expires: x)`, ""},
		{"streamed", NewStreamingResponse(gateway.Chunks([]byte("a"))), "200 OK", "(Content-Type: text/plain; charset=utf-8)", "<Response streamed [200 OK]>"},
		{"xml gets a charset", NewResponse("x", Mimetype("application/xml")), "200 OK", "(Content-Type: application/xml; charset=utf-8)(Content-Length: 1)", ""},
		{"+xml gets a charset", NewResponse("x", Mimetype("image/svg+xml")), "200 OK", "(Content-Type: image/svg+xml; charset=utf-8)(Content-Length: 1)", ""},
		{"header kept", NewResponse("x", WithHeaders(http1.Headers{{Name: "Content-Type", Value: "text/csv"}})), "200 OK", "(Content-Type: text/csv)(Content-Length: 1)", ""},
		{"mimetype wins", NewResponse("x", Mimetype("text/html"), WithHeaders(http1.Headers{{Name: "Content-Type", Value: "text/csv"}})), "200 OK", "(Content-Type: text/html; charset=utf-8)(Content-Length: 1)", ""},
		{"flask's default", NewResponse("x", WithDefaultMimetype("text/html")), "200 OK", "(Content-Type: text/html; charset=utf-8)(Content-Length: 1)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.r.Status() != tt.status {
				t.Errorf("status %q, want %q", tt.r.Status(), tt.status)
			}
			if got := headerList(tt.r.WSGIHeaders()); got != tt.want {
				t.Errorf("headers %s, want %s", got, tt.want)
			}
			if tt.repr != "" && tt.r.String() != tt.repr {
				t.Errorf("repr %s, want %s", tt.r, tt.repr)
			}
		})
	}
}

// closeCount is a Body that counts its Close calls.
type closeCount struct {
	gateway.Body
	n int
}

func (c *closeCount) Close() error { c.n++; return nil }

func TestResponseAsAnApp(t *testing.T) {
	t.Parallel()
	get := serve(t, NewResponse("hello").ServeWSGI, newEnv("GET", "/"), nil)
	if get.Status != "200 OK" || get.Body != "hello" {
		t.Errorf("GET: %+v", get)
	}
	head := serve(t, NewResponse("hello").ServeWSGI, newEnv("HEAD", "/"), nil)
	if head.Body != "" || head.Headers.Get("Content-Length") != "5" {
		t.Errorf("HEAD: the body went out, or its length did not: %+v", head)
	}
	stream := &closeCount{Body: gateway.Chunks([]byte("a"), []byte("b"))}
	r := NewStreamingResponse(stream)
	closed := 0
	r.CallOnClose(func() error { closed++; return nil })
	got := serve(t, r.ServeWSGI, newEnv("GET", "/"), nil)
	if got.Body != "ab" || got.Headers.Has("Content-Length") || stream.n != 1 || closed != 1 {
		t.Errorf("streamed: %+v, stream closed %d times, on-close ran %d times", got, stream.n, closed)
	}
	unsent := &closeCount{Body: gateway.Chunks([]byte("a"))}
	serve(t, NewStreamingResponse(unsent).ServeWSGI, newEnv("HEAD", "/"), nil)
	if unsent.n != 1 {
		t.Errorf("a stream a HEAD request never read was closed %d times, want 1", unsent.n)
	}
}

func TestResponseData(t *testing.T) {
	t.Parallel()
	r := NewStreamingResponse(gateway.Chunks([]byte("a"), []byte("b")))
	b, err := r.Data()
	if err != nil || string(b) != "ab" || r.IsStreamed() || r.String() != "<Response 2 bytes [200 OK]>" {
		t.Errorf("Data = %q, %v; now %s", b, err, r)
	}
	r.SetData([]byte("xyz"))
	if r.Headers.Get("Content-Length") != "3" {
		t.Errorf("SetData left Content-Length %q", r.Headers.Get("Content-Length"))
	}
	r.SetMimetype("text/csv")
	if r.Mimetype() != "text/csv" || r.Headers.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("SetMimetype: %q", r.Headers.Get("Content-Type"))
	}
	failing := NewStreamingResponse(errBody{})
	if _, err := failing.Data(); err == nil {
		t.Error("a failing stream: no error")
	}
}

type errBody struct{}

func (errBody) Next() ([]byte, error) { return nil, io.ErrUnexpectedEOF }

func TestHTTPExceptionPages(t *testing.T) {
	t.Parallel()
	got := serve(t, Abort(418).ServeWSGI, newEnv("GET", "/"), nil)
	want := "<!doctype html>\n<html lang=en>\n<title>418 I&#39;m a teapot</title>\n<h1>I&#39;m a teapot</h1>\n<p>This server is a teapot, not a coffee machine</p>\n"
	if got.Status != "418 I'M A TEAPOT" || got.Body != want {
		t.Errorf("418: %q %q", got.Status, got.Body)
	}
	if got := Abort(411).Page(); got != "<!doctype html>\n<html lang=en>\n<title>411 Length Required</title>\n<h1>Length Required</h1>\n<p>A request with this method requires a valid &lt;code&gt;Content-Length&lt;/code&gt; header.</p>\n" {
		t.Errorf("411 page: %q", got)
	}
	if got := Abort(599).Response().Status(); got != "599 UNKNOWN" {
		t.Errorf("599: %q", got)
	}
	if s := NotFound().String(); s != "<NotFound '404: Not Found'>" {
		t.Errorf("repr %s", s)
	}
	r := Redirect("/hello/you?x=1", 302)
	if headerList(r.Headers) != "(Content-Type: text/html; charset=utf-8)(Content-Length: 215)(Location: /hello/you?x=1)" {
		t.Errorf("redirect headers %s", headerList(r.Headers))
	}
	if loc := Redirect("/ü x", 302).Headers.Get("Location"); loc != "/%C3%BC%20x" {
		t.Errorf("a location not ASCII: %q", loc)
	}
}
