package gateway

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// The apps compiled into the lab, by the names lessons start them with.
func init() {
	Register("hello:application", Hello("Hello, World! (from Gunicorn)\n"))
	Register("wsgi:application", Hello("Hello, World! (from WSGI)\n"))
	Register("environ:application", ShowEnviron)
	Register("slow:application", Slow)
	Register("crash:application", Crash)
	Register("stream:application", Stream)
	Register("echo:application", Echo)
	Register("upload:application", Upload)
	Register("nostart:application", NoStart)
	Register("chain:application", Chain(Hello("Hello, World! (from WSGI)\n"),
		Announce("logger", Logger()),
		Announce("headers", InsertHeaders(http1.Headers{{Name: "X-Middleware", Value: "headers"}})),
		Announce("shout", ModifyResponse(bytes.ToUpper)),
	))
}

// Hello returns the talk's app: it answers text with the headers the
// talk's app.py sends, "Content-type" with a lower-case t as it was
// written, and Content-Length.
func Hello(text string) App {
	return func(env *Environ, start StartResponse) (Body, error) {
		body := []byte(text)
		err := start("200 OK", http1.Headers{
			{Name: "Content-type", Value: "text/plain"},
			{Name: "Content-Length", Value: strconv.Itoa(len(body))},
		}, nil)
		if err != nil {
			return nil, err
		}
		return Chunks(body), nil
	}
}

// ShowEnviron answers with its environ, one KEY=value line per key, in
// the order the server set them. Values are written as a Python app
// writes str(value).encode(): the environ's strings hold a byte per
// latin-1 character (PEP 3333's native strings), each written in UTF-8.
func ShowEnviron(env *Environ, start StartResponse) (Body, error) {
	var b strings.Builder
	for _, f := range env.Fields() {
		fmt.Fprintf(&b, "%s=%s\n", f.Key, latin1ToUTF8(f.Value))
	}
	return textAnswer(start, "200 OK", b.String())
}

// Slow sleeps before it answers, as long as ?seconds=N says (2 when not
// given, at most 60), to show a worker busy with one request and the
// master's worker timeout.
func Slow(env *Environ, start StartResponse) (Body, error) {
	d := 2 * time.Second
	for _, kv := range strings.Split(env.String("QUERY_STRING"), "&") {
		if v, ok := strings.CutPrefix(kv, "seconds="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 60 {
				d = time.Duration(f * float64(time.Second))
			}
		}
	}
	time.Sleep(d)
	return textAnswer(start, "200 OK", fmt.Sprintf("slept %s\n", d))
}

// Crash panics, as an app that raises an exception.
func Crash(env *Environ, start StartResponse) (Body, error) {
	panic("the app crashed")
}

// Stream answers with a generator of chunks and no Content-Length, one of
// them empty, so the server must frame the body itself.
func Stream(env *Environ, start StartResponse) (Body, error) {
	err := start("200 OK", http1.Headers{{Name: "Content-Type", Value: "text/plain"}, {Name: "X-Stream", Value: "yes"}}, nil)
	if err != nil {
		return nil, err
	}
	return Generate(func(yield func([]byte) bool) {
		for _, s := range []string{"one\n", "", "two\n", "three\n"} {
			if !yield([]byte(s)) {
				return
			}
		}
	}), nil
}

// Upload reads the whole request body, as Echo does, but streams its
// answer without a Content-Length: the close of the connection ends it.
func Upload(env *Environ, start StartResponse) (Body, error) {
	data, err := io.ReadAll(env.Input())
	if err != nil {
		return nil, err
	}
	if err := start("200 OK", http1.Headers{{Name: "Content-Type", Value: "text/plain"}}, nil); err != nil {
		return nil, err
	}
	return Generate(func(yield func([]byte) bool) {
		_ = yield([]byte(fmt.Sprintf("got %d bytes: %s\n", len(data), data)))
	}), nil
}

// Echo reads the whole request body from wsgi.input and says what it got.
func Echo(env *Environ, start StartResponse) (Body, error) {
	data, err := io.ReadAll(env.Input())
	if err != nil {
		return nil, err
	}
	body := fmt.Sprintf("got %d bytes: %s\n", len(data), data)
	err = start("201 Created", http1.Headers{
		{Name: "Content-Type", Value: "text/plain"},
		{Name: "Content-Length", Value: strconv.Itoa(len(body))},
		{Name: "x-lower", Value: "kept"},
	}, nil)
	if err != nil {
		return nil, err
	}
	return Chunks([]byte(body)), nil
}

// NoStart breaks the contract: it returns a body without ever calling
// start_response.
func NoStart(env *Environ, start StartResponse) (Body, error) {
	return Chunks([]byte("never started\n")), nil
}

// textAnswer starts a text/plain answer with a Content-Length and returns
// its body.
func textAnswer(start StartResponse, status, text string) (Body, error) {
	err := start(status, http1.Headers{
		{Name: "Content-Type", Value: "text/plain"},
		{Name: "Content-Length", Value: strconv.Itoa(len(text))},
	}, nil)
	if err != nil {
		return nil, err
	}
	return Chunks([]byte(text)), nil
}
