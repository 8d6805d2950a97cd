package gateway

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// recordingWriter is a ResponseWriter that notes every call, tersely:
// "head 200 OK [Content-type]", "write one", "finish".
type recordingWriter struct{ calls []string }

func (w *recordingWriter) WriteHeader(status string, h http1.Headers) error {
	var names []string
	for _, f := range h {
		names = append(names, f.Name)
	}
	w.calls = append(w.calls, fmt.Sprintf("head %s %v", status, names))
	return nil
}

func (w *recordingWriter) Write(b []byte) error {
	w.calls = append(w.calls, "write "+string(b))
	return nil
}

func (w *recordingWriter) Finish() error {
	w.calls = append(w.calls, "finish")
	return nil
}

// sink collects events.
type sink struct {
	mu  sync.Mutex
	evs []trace.Event
}

func (s *sink) Record(e trace.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.Data = append([]byte(nil), e.Data...)
	s.evs = append(s.evs, e)
}

// names returns the hand-offs recorded, as "environ>" and "<chunk".
func (s *sink) names() string {
	var out []string
	for _, e := range s.evs {
		if e.Kind != trace.KindHandoff {
			continue
		}
		if e.Dir == trace.Down {
			out = append(out, e.Name+">")
		} else {
			out = append(out, "<"+e.Name)
		}
	}
	return strings.Join(out, " ")
}

var okHeaders = http1.Headers{{Name: "Content-type", Value: "text/plain"}}

// closeCounter is a Body with a Close that counts its calls.
type closeCounter struct {
	Body
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

func TestServeContract(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tests := []struct {
		name      string
		app       App
		wantCalls string
		wantErr   error // errors.Is target; nil for success
		wantEvts  string
		closes    int // Close calls expected on the body, -1 when it has none
	}{
		{
			name:      "headers go with the first non-empty chunk",
			app:       appOf("200 OK", okHeaders, "", "one", "", "two"),
			wantCalls: "head 200 OK [Content-type]|write one|write two|finish",
			wantEvts:  "environ> <start_response <chunk <chunk <chunk <chunk <close",
			closes:    1,
		},
		{
			name:      "an empty body sends the headers at the end",
			app:       appOf("204 No Content", nil),
			wantCalls: "head 204 No Content []|finish",
			wantEvts:  "environ> <start_response <close",
			closes:    1,
		},
		{
			name:     "no start_response before a chunk is an error",
			app:      func(env *Environ, start StartResponse) (Body, error) { return Chunks([]byte("x")), nil },
			wantErr:  ErrNoStartResponse,
			wantEvts: "environ> <chunk",
			closes:   -1,
		},
		{
			name:     "no start_response at all is an error",
			app:      func(env *Environ, start StartResponse) (Body, error) { return Chunks(), nil },
			wantErr:  ErrNoStartResponse,
			wantEvts: "environ>",
			closes:   -1,
		},
		{
			name: "a second start_response without exc_info fails",
			app: func(env *Environ, start StartResponse) (Body, error) {
				start("200 OK", nil, nil)
				if err := start("500 Oops", nil, nil); err != nil {
					return nil, err
				}
				return Chunks([]byte("x")), nil
			},
			wantErr:  ErrStartedTwice,
			wantEvts: "environ> <start_response <start_response",
			closes:   -1,
		},
		{
			name: "exc_info before the headers went out replaces them",
			app: func(env *Environ, start StartResponse) (Body, error) {
				start("200 OK", okHeaders, nil)
				if err := start("500 Internal Server Error", nil, boom); err != nil {
					return nil, err
				}
				return Chunks([]byte("sorry")), nil
			},
			wantCalls: "head 500 Internal Server Error []|write sorry|finish",
			wantEvts:  "environ> <start_response <start_response <chunk",
			closes:    -1,
		},
		{
			name: "exc_info after the headers went out re-raises",
			app: func(env *Environ, start StartResponse) (Body, error) {
				start("200 OK", okHeaders, nil)
				return Generate(func(yield func([]byte) bool) {
					if !yield([]byte("part")) {
						return
					}
					if err := start("500 Internal Server Error", nil, boom); err != nil {
						panic(err)
					}
				}), nil
			},
			wantCalls: "head 200 OK [Content-type]|write part",
			wantErr:   boom,
			wantEvts:  "environ> <start_response <chunk <start_response <close",
			closes:    -1,
		},
		{
			name:     "an app's error before any chunk",
			app:      func(env *Environ, start StartResponse) (Body, error) { return nil, boom },
			wantErr:  boom,
			wantEvts: "environ>",
			closes:   -1,
		},
		{
			name:     "a panic is an app error",
			app:      Crash,
			wantErr:  &AppError{},
			wantEvts: "environ>",
			closes:   -1,
		},
		{
			name: "close is called when the body fails",
			app: func(env *Environ, start StartResponse) (Body, error) {
				start("200 OK", nil, nil)
				return &closeCounter{Body: failingBody{boom}}, nil
			},
			wantErr:  boom,
			wantEvts: "environ> <start_response <close",
			closes:   1,
		},
		{
			name: "a bad status is refused",
			app: func(env *Environ, start StartResponse) (Body, error) {
				if err := start("OK", nil, nil); err != nil {
					return nil, err
				}
				return Chunks(), nil
			},
			wantErr:  &AppError{},
			wantEvts: "environ> <start_response",
			closes:   -1,
		},
		{
			name: "a header value with a line break is refused",
			app: func(env *Environ, start StartResponse) (Body, error) {
				if err := start("200 OK", http1.Headers{{Name: "X", Value: "a\r\nY: b"}}, nil); err != nil {
					return nil, err
				}
				return Chunks(), nil
			},
			wantErr:  &AppError{},
			wantEvts: "environ> <start_response",
			closes:   -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body *closeCounter
			app := func(env *Environ, start StartResponse) (Body, error) {
				b, err := tt.app(env, start)
				if cc, ok := b.(*closeCounter); ok {
					body = cc
				} else if b != nil && tt.closes >= 0 {
					body = &closeCounter{Body: b}
					b = body
				}
				return b, err
			}
			s := &sink{}
			w := &recordingWriter{}
			err := Serve(app, NewEnviron(), w, Tracer{Tap: trace.NewTap(s, "prefork"), Server: "prefork"})
			checkErr(t, err, tt.wantErr)
			if got := strings.Join(w.calls, "|"); got != tt.wantCalls {
				t.Errorf("writer calls:\n got %q\nwant %q", got, tt.wantCalls)
			}
			if got := s.names(); got != tt.wantEvts {
				t.Errorf("events:\n got %q\nwant %q", got, tt.wantEvts)
			}
			if tt.closes >= 0 && (body == nil || body.closed != tt.closes) {
				t.Errorf("body closed %v times, want %d", body, tt.closes)
			}
		})
	}
}

func checkErr(t *testing.T, err, want error) {
	t.Helper()
	var ae *AppError
	switch {
	case want == nil && err != nil:
		t.Errorf("err = %v, want none", err)
	case want == nil:
	case errors.As(want, &ae):
		if !errors.As(err, &ae) {
			t.Errorf("err = %v, want an *AppError", err)
		}
	case !errors.Is(err, want):
		t.Errorf("err = %v, want %v", err, want)
	}
}

func appOf(status string, h http1.Headers, chunks ...string) App {
	return func(env *Environ, start StartResponse) (Body, error) {
		if err := start(status, h, nil); err != nil {
			return nil, err
		}
		bs := make([][]byte, len(chunks))
		for i, c := range chunks {
			bs[i] = []byte(c)
		}
		return Chunks(bs...), nil
	}
}

type failingBody struct{ err error }

func (f failingBody) Next() ([]byte, error) { return nil, f.err }

func TestServeRecordsWhatCrossed(t *testing.T) {
	t.Parallel()
	s := &sink{}
	env := NewEnviron()
	env.Set("REQUEST_METHOD", "GET")
	env.Set(KeyVersion, Version{1, 0})
	env.Set(KeyMultithread, false)
	err := Serve(Hello("hi\n"), env, &recordingWriter{}, Tracer{Tap: trace.NewTap(s, "prefork"), Server: "prefork"})
	if err != nil {
		t.Fatal(err)
	}
	e := s.evs[0]
	if e.From != "prefork" || e.To != Layer || e.Dir != trace.Down {
		t.Errorf("environ event %s -> %s %v", e.From, e.To, e.Dir)
	}
	want := "REQUEST_METHOD=GET wsgi.version=(1, 0) wsgi.multithread=False"
	if got := fieldString(e.Fields); got != want {
		t.Errorf("environ fields %q, want %q", got, want)
	}
	if got := fieldString(s.evs[1].Fields); got != "status=200 OK Content-type=text/plain Content-Length=3" {
		t.Errorf("start_response fields %q", got)
	}
	if string(s.evs[2].Data) != "hi\n" {
		t.Errorf("chunk data %q", s.evs[2].Data)
	}
}

func fieldString(fs []trace.Field) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Key+"="+f.Value)
	}
	return strings.Join(out, " ")
}

func TestFileBody(t *testing.T) {
	t.Parallel()
	b := NewFileBody(strings.NewReader("abcdefg"), 3)
	var got []string
	for {
		c, err := b.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(c))
	}
	if strings.Join(got, ",") != "abc,def,g" {
		t.Errorf("blocks %q", got)
	}
}
