package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Layer is the name the gateway interface has in journeys: the app's side
// of every hand-off.
const Layer = "gateway"

// ResponseWriter is the server's side of a response: Serve calls
// WriteHeader once, then Write for each non-empty chunk, then Finish.
type ResponseWriter interface {
	// WriteHeader sends the status line and headers, adding the server's
	// own headers as the server does.
	WriteHeader(status string, headers http1.Headers) error
	// Write sends one chunk of the body.
	Write(chunk []byte) error
	// Finish ends the response, such as with the last chunk of a chunked
	// body.
	Finish() error
}

// Tracer records the hand-offs of one request between a server and the
// gateway, on the connection the request came on. The zero Tracer records
// nothing.
type Tracer struct {
	Tap    *trace.Tap
	Conn   net.Conn
	Server string // the calling layer's name, such as "prefork"
}

func (t Tracer) handoff(dir trace.Dir, name string, fields []trace.Field, data []byte) {
	t.Tap.Handoff(t.Conn, trace.Handoff{From: t.Server, To: Layer, Dir: dir, Name: name, Fields: fields, Data: data})
}

// Errors returns a writer to use as wsgi.errors: each line written to it
// is recorded as a log event ("wsgi.errors") of the request.
func (t Tracer) Errors() io.Writer { return &errorLog{t: t} }

type errorLog struct {
	t    Tracer
	part []byte
}

func (l *errorLog) Write(p []byte) (int, error) {
	l.part = append(l.part, p...)
	for {
		i := bytes.IndexByte(l.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.t.Tap.Log(l.t.Conn, "wsgi.errors", string(l.part[:i]))
		l.part = l.part[i+1:]
	}
}

func (l *errorLog) String() string { return "<wsgi.errors>" }

// The errors Serve returns for an app that breaks the contract.
var (
	// ErrNoStartResponse: the app produced a chunk, or ended, without
	// calling start_response.
	ErrNoStartResponse = errors.New("gateway: the app did not call start_response before its body")
	// ErrStartedTwice: start_response was called again without exc_info.
	ErrStartedTwice = errors.New("gateway: start_response called again without exc_info (response headers already set)")
)

// AppError is an app's error or panic, and where it happened.
type AppError struct {
	Err   error
	Panic bool   // the app panicked; Err holds the value
	Stack string // the panic's stack, for the server's error log
}

func (e *AppError) Error() string { return "gateway: the app failed: " + e.Err.Error() }
func (e *AppError) Unwrap() error { return e.Err }

// Serve is the server's side of PEP 3333 for one request: it hands env to
// app, and writes the response to w as the app produces it. The status and
// headers go out with the first non-empty chunk, or at the end for an
// empty body. The body's Close is called in every case, after Finish.
//
// It returns nil once the whole response went to w. Otherwise the caller
// looks at whether w sent the headers: if not, it answers with an error
// page (500); if so, all it can do is close the connection. Each step is
// recorded through t: "environ" going down, then "start_response", each
// "chunk" and "close" coming up.
func Serve(app App, env *Environ, w ResponseWriter, t Tracer) (err error) {
	st := &startState{t: t}
	env.tracer = t
	if t.On() {
		t.handoff(trace.Down, "environ", env.Fields(), nil)
	}
	body, err := callApp(app, env, st.start)
	if err != nil {
		return err
	}
	if body == nil {
		body = Chunks()
	}
	defer func() {
		if c, ok := body.(io.Closer); ok {
			t.handoff(trace.Up, "close", nil, nil)
			if cerr := c.Close(); err == nil && cerr != nil {
				err = &AppError{Err: cerr}
			}
		}
	}()
	for {
		chunk, err := next(body)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		t.handoff(trace.Up, "chunk", nil, chunk)
		if !st.started {
			return ErrNoStartResponse
		}
		if len(chunk) == 0 {
			continue
		}
		if err := st.send(w); err != nil {
			return err
		}
		if err := w.Write(chunk); err != nil {
			return err
		}
	}
	if !st.started {
		return ErrNoStartResponse
	}
	if err := st.send(w); err != nil {
		return err
	}
	return w.Finish()
}

// startState is start_response's state for one request.
type startState struct {
	t       Tracer
	status  string
	headers http1.Headers
	started bool // start_response was called
	sent    bool // the headers went to the writer
}

func (s *startState) start(status string, headers http1.Headers, excInfo error) error {
	if s.t.On() {
		fields := make([]trace.Field, 0, len(headers)+2)
		fields = append(fields, trace.Field{Key: "status", Value: status})
		for _, h := range headers {
			fields = append(fields, trace.Field{Key: h.Name, Value: h.Value})
		}
		if excInfo != nil {
			fields = append(fields, trace.Field{Key: "exc_info", Value: excInfo.Error()})
		}
		s.t.handoff(trace.Up, "start_response", fields, nil)
	}
	switch {
	case excInfo != nil && s.sent:
		return excInfo
	case excInfo == nil && s.started:
		return ErrStartedTwice
	}
	if err := checkStatus(status); err != nil {
		return err
	}
	if err := checkHeaders(headers); err != nil {
		return err
	}
	s.status, s.headers, s.started = status, headers.Clone(), true
	return nil
}

// send sends the headers once.
func (s *startState) send(w ResponseWriter) error {
	if s.sent {
		return nil
	}
	s.sent = true
	return w.WriteHeader(s.status, s.headers)
}

// checkStatus checks a status as PEP 3333 asks: three digits, a space and
// a reason, no control characters.
func checkStatus(status string) error {
	if len(status) < 4 || status[3] != ' ' || !isDigits(status[:3]) || strings.ContainsAny(status, "\r\n") {
		return fmt.Errorf("gateway: status %q is not a code and a reason, such as \"200 OK\"", status)
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkHeaders refuses what gunicorn refuses in an app's headers: a name
// that is not a token, a value with a control character.
func checkHeaders(h http1.Headers) error {
	for _, f := range h {
		if f.Name == "" || strings.IndexFunc(f.Name, func(r rune) bool { return !isTokenChar(r) }) >= 0 {
			return fmt.Errorf("gateway: invalid header name %q", f.Name)
		}
		if strings.IndexFunc(f.Value, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0 {
			return fmt.Errorf("gateway: invalid value for header %s: %q", f.Name, f.Value)
		}
	}
	return nil
}

func isTokenChar(r rune) bool {
	return r < 0x7f && r > ' ' && !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
}

// callApp calls app, turning a panic into an *AppError.
func callApp(app App, env *Environ, start StartResponse) (body Body, err error) {
	defer recoverApp(&err)
	body, err = app(env, start)
	if err != nil {
		err = wrapApp(err)
	}
	return body, err
}

// next asks the body for its next chunk, turning a panic into an
// *AppError.
func next(b Body) (chunk []byte, err error) {
	defer recoverApp(&err)
	chunk, err = b.Next()
	if err != nil && err != io.EOF {
		err = wrapApp(err)
	}
	return chunk, err
}

func wrapApp(err error) error {
	var ae *AppError
	if errors.As(err, &ae) || errors.Is(err, ErrStartedTwice) {
		return err
	}
	return &AppError{Err: err}
}

func recoverApp(err *error) {
	v := recover()
	if v == nil {
		return
	}
	e, ok := v.(error)
	if !ok {
		e = fmt.Errorf("%v", v)
	}
	*err = &AppError{Err: fmt.Errorf("panic: %w", e), Panic: true, Stack: string(debug.Stack())}
}
