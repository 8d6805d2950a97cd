package framework

import (
	"bufio"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// discard is a ResponseWriter that throws the answer away.
type discard struct{}

func (discard) WriteHeader(string, http1.Headers) error { return nil }
func (discard) Write([]byte) error                      { return nil }
func (discard) Finish() error                           { return nil }

// parse reads a request, once.
func parse(b *testing.B, raw string) *http1.Request {
	req, err := http1.NewReader(bufio.NewReader(strings.NewReader(raw)), http1.NginxLimits()).ReadRequest()
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// benchEnviron builds a request's environ as the pre-fork server's workers
// build it.
func benchEnviron(req *http1.Request) *gateway.Environ {
	return gateway.RequestEnviron(req, gateway.Origin{Software: "gunicorn/20.1.0"})
}

// BenchmarkRequest measures one request through the toolkit and the
// framework, from the environ handed over to the body given back: the
// talk's app, and the tour's user view (a converter, hooks, a tuple). The
// environ sub-benchmark is what the server spends before, to subtract.
func BenchmarkRequest(b *testing.B) {
	const talk = "GET / HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n"
	const user = "GET /user/7 HTTP/1.0\r\nHost: localhost:8080\r\n\r\n"
	b.Run("environ", func(b *testing.B) {
		req := parse(b, talk)
		b.ReportAllocs()
		for b.Loop() {
			benchEnviron(req)
		}
	})
	for _, c := range []struct {
		name string
		app  *App
		raw  string
	}{{"talk", Talk(), talk}, {"tour-user", Tour(), user}} {
		for _, traced := range []bool{false, true} {
			name := c.name + "/tracing-off"
			tr := gateway.Tracer{Server: "prefork"}
			if traced {
				name = c.name + "/tracing-on"
				tr.Tap = trace.NewTap(trace.NewRecorder(0, 0), "prefork")
			}
			b.Run(name, func(b *testing.B) {
				req := parse(b, c.raw)
				b.ReportAllocs()
				for b.Loop() {
					if err := gateway.Serve(c.app.ServeWSGI, benchEnviron(req), discard{}, tr); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
