package proxy

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// BenchmarkProxyRequest sends the talk's request again and again on one
// keep-alive client connection (a new one after keepalive_requests, as
// wrk opens one) through a proxy with the talk's part II configuration
// (proxy_set_header, proxy_redirect off, the access log on) to
// helloUpstream. Its allocations are the proxy's request path, the
// client's reading of the answer and the upstream's accept; "traced" adds
// the trace's, recorded and assembled into journeys as the lab does.
func BenchmarkProxyRequest(b *testing.B) {
	for _, bc := range []struct {
		name  string
		trace bool
	}{{"untraced", false}, {"traced", true}} {
		b.Run(bc.name, func(b *testing.B) {
			up := helloUpstream(b)
			c, err := LoadEmbedded("part-2")
			if err != nil {
				b.Fatal(err)
			}
			cfg := stack.Config{Peers: map[string]string{"127.0.0.1:8000": up}}
			if bc.trace {
				rec := trace.NewRecorder(0, 0)
				sub := rec.Subscribe()
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() {
					defer close(done)
					trace.NewAssembler(0).Follow(ctx, sub)
				}()
				b.Cleanup(func() {
					cancel()
					<-done
					sub.Close()
				})
				cfg.Trace = rec
			}
			p := New(cfg, c)
			if err := p.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { p.Close() })
			var nc net.Conn
			var rd *http1.Reader
			defer func() {
				if nc != nil {
					nc.Close()
				}
			}()
			const req = "GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: wrk\r\n\r\n"
			b.ReportAllocs()
			for b.Loop() {
				if nc == nil {
					if nc, err = net.Dial("tcp", p.Addr().String()); err != nil {
						b.Fatal(err)
					}
					rd = http1.NewReader(bufio.NewReader(nc), http1.NginxLimits())
				}
				if _, err := io.WriteString(nc, req); err != nil {
					b.Fatal(err)
				}
				resp, err := rd.ReadResponse("GET")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil {
					b.Fatal(err)
				}
				if resp.Status != 200 {
					b.Fatalf("status %d", resp.Status)
				}
				if resp.Headers.Get("Connection") == "close" { // after keepalive_requests
					nc.Close()
					nc = nil
				}
			}
		})
	}
}

// helloUpstream listens on a port of its own until tb ends, reads each
// connection's request head and answers it with the hello answer, then
// closes, as the pre-fork server answers the proxy's HTTP/1.0 requests,
// allocating little of its own so that the proxy's allocations show. It
// returns its address.
func helloUpstream(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	tb.Cleanup(func() {
		ln.Close()
		<-done
	})
	answer := []byte(answers["hello"])
	go func() {
		defer close(done)
		var buf [4096]byte
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			for n := 0; n < len(buf) && !bytes.Contains(buf[:n], []byte("\r\n\r\n")); {
				m, err := c.Read(buf[n:])
				if err != nil {
					break
				}
				n += m
			}
			c.Write(answer)
			c.Close()
		}
	}()
	return ln.Addr().String()
}
