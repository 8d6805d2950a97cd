package http1

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// loopReader hands out the same message again and again, like a
// keep-alive connection carrying one request after another.
type loopReader struct {
	msg []byte
	off int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.msg[l.off:])
	l.off = (l.off + n) % len(l.msg)
	return n, nil
}

// BenchmarkReadRequest reads requests one after another with one Reader,
// as a worker does on a keep-alive connection.
func BenchmarkReadRequest(b *testing.B) {
	curl, err := os.ReadFile(filepath.Join("testdata", "requests", "curl-get.txt"))
	if err != nil {
		b.Fatal(err)
	}
	chromium, err := os.ReadFile(filepath.Join("testdata", "requests", "chromium-navigate.txt"))
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name string
		msg  []byte
	}{
		{"talk", []byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")},
		{"curl", curl},
		{"chromium", chromium},
		{"post", []byte("POST /form HTTP/1.1\r\nHost: localhost\r\nContent-Length: 19\r\n\r\nname=lab&talk=ngw2f")},
	} {
		b.Run(bm.name, func(b *testing.B) {
			r := NewReader(&loopReader{msg: bm.msg}, NginxLimits())
			b.ReportAllocs()
			b.SetBytes(int64(len(bm.msg)))
			for b.Loop() {
				req, err := r.ReadRequest()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, req.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadResponse reads answers one after another with one Reader,
// as the proxy reads its upstreams' answers: gunicorn's to the talk's
// request, and one with more headers.
func BenchmarkReadResponse(b *testing.B) {
	for _, bm := range []struct {
		name string
		msg  []byte
	}{
		{"gunicorn", []byte("HTTP/1.0 200 OK\r\nServer: gunicorn\r\nDate: Sun, 06 Dec 2026 11:00:00 GMT\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 30\r\n\r\nHello, World! (from Gunicorn)\n")},
		{"headers", []byte("HTTP/1.1 200 OK\r\nServer: gunicorn\r\nDate: Sun, 06 Dec 2026 11:00:00 GMT\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 2\r\nCache-Control: no-cache\r\nVary: Accept-Encoding\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\nETag: \"e\"\r\n\r\nok")},
	} {
		b.Run(bm.name, func(b *testing.B) {
			r := NewReader(&loopReader{msg: bm.msg}, Limits{})
			b.ReportAllocs()
			b.SetBytes(int64(len(bm.msg)))
			for b.Loop() {
				resp, err := r.ReadResponse("GET")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
