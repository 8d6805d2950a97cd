package gateway

import (
	"bytes"
	"io"
	"iter"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// App is a gateway application, Go's shape of PEP 3333's
// app(environ, start_response): it is called once per request with the
// request's environ and a StartResponse, and returns the response body as
// a Body of byte chunks. Returning an error is the app raising an
// exception; so is a panic.
type App func(env *Environ, start StartResponse) (Body, error)

// StartResponse is the start_response callable a server hands an app.
// status is a status code and its reason ("200 OK"); headers are the
// app's response headers, their names in the app's own case and order.
//
// The server sends them with the first non-empty chunk of the body, not
// at this call. Calling it a second time is an error, unless excInfo (the
// error the app is handling) is not nil: then the new status and headers
// replace the old ones if none were sent yet, and if they were, the call
// returns excInfo, as Python's start_response re-raises it.
type StartResponse func(status string, headers http1.Headers, excInfo error) error

// Body is the iterable an app returns: Next gives one chunk at a time and
// io.EOF after the last. An empty chunk is allowed and sends nothing.
//
// A Body that also has a Close() error method is closed by the server
// when the response is over, however it ended, as PEP 3333 asks.
type Body interface {
	Next() ([]byte, error)
}

// Middleware is an app that wraps an app: it may change the environ on
// the way in, route to another app, and change the status, headers or
// body on the way out. Seen from either side it is just an app.
type Middleware func(next App) App

// Chain wraps app in the middlewares, the first one outermost: in
// Chain(app, a, b), a sees the environ first and the response last.
func Chain(app App, mws ...Middleware) App {
	for i := len(mws) - 1; i >= 0; i-- {
		app = mws[i](app)
	}
	return app
}

// Chunks returns a Body yielding the given chunks, as an app returns a
// Python list of bytes. It has no Close.
func Chunks(chunks ...[]byte) Body { return &chunkList{chunks: chunks} }

type chunkList struct{ chunks [][]byte }

func (c *chunkList) Next() ([]byte, error) {
	if len(c.chunks) == 0 {
		return nil, io.EOF
	}
	b := c.chunks[0]
	c.chunks = c.chunks[1:]
	return b, nil
}

// Generate returns a Body that runs seq as a generator, one chunk per
// yield, as an app written with Python's yield. Its Close stops the
// generator where it stands.
func Generate(seq iter.Seq[[]byte]) Body {
	next, stop := iter.Pull(seq)
	return &generator{next: next, stop: stop}
}

type generator struct {
	next func() ([]byte, bool)
	stop func()
}

func (g *generator) Next() ([]byte, error) {
	b, ok := g.next()
	if !ok {
		return nil, io.EOF
	}
	return b, nil
}

func (g *generator) Close() error {
	g.stop()
	return nil
}

// NewFileBody returns a Body that reads r in blocks of blockSize bytes
// (8192 when not positive); it closes r when r is an io.Closer. It is
// what wsgi.file_wrapper makes.
func NewFileBody(r io.Reader, blockSize int) Body {
	if blockSize <= 0 {
		blockSize = 8192
	}
	return &fileBody{r: r, buf: make([]byte, blockSize)}
}

type fileBody struct {
	r   io.Reader
	buf []byte
}

func (f *fileBody) Next() ([]byte, error) {
	n, err := io.ReadFull(f.r, f.buf)
	if n > 0 {
		return bytes.Clone(f.buf[:n]), nil
	}
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return nil, err
}

func (f *fileBody) Close() error {
	if c, ok := f.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
