package http1

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestReadResponse(t *testing.T) {
	t.Parallel()
	const nginxHead = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 23 Nov 2026 08:53:53 GMT\r\nContent-Type: text/html\r\nContent-Length: 25\r\nConnection: close\r\n\r\n"
	tests := []struct {
		name       string
		raw        string
		method     string
		proto      string
		status     int
		reason     string
		headers    int // how many headers
		length     int64
		chunked    bool
		untilClose bool
		body       string
		trailers   Headers
		rest       string // what stays in the Reader
	}{
		{name: "nginx static", raw: nginxHead + "Hello World (from Nginx)\nNEXT", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 5, length: 25, body: "Hello World (from Nginx)\n", rest: "NEXT"},
		{name: "raw socket server", raw: "HTTP/1.1 200 OK\n\nHello, World! (from a raw socket)\n", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", length: -1, untilClose: true, body: "Hello, World! (from a raw socket)\n"},
		{name: "gunicorn 1.0", raw: "HTTP/1.0 404 NOT FOUND\r\nServer: gunicorn\r\nContent-Length: 3\r\n\r\nno!", method: "GET",
			proto: "HTTP/1.0", status: 404, reason: "NOT FOUND", headers: 2, length: 3, body: "no!"},
		{name: "head", raw: nginxHead + "NEXT", method: "HEAD",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 5, length: 25, rest: "NEXT"},
		{name: "204", raw: "HTTP/1.1 204 No Content\r\nX: y\r\n\r\nNEXT", method: "DELETE",
			proto: "HTTP/1.1", status: 204, reason: "No Content", headers: 1, length: -1, rest: "NEXT"},
		{name: "304 with a length", raw: "HTTP/1.1 304 Not Modified\r\nContent-Length: 25\r\n\r\nNEXT", method: "GET",
			proto: "HTTP/1.1", status: 304, reason: "Not Modified", headers: 1, length: 25, rest: "NEXT"},
		{name: "100 continue", raw: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", method: "POST",
			proto: "HTTP/1.1", status: 100, reason: "Continue", length: -1, rest: "HTTP/1.1 200 OK\r\n"},
		{name: "chunked", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nExpires: never\r\n\r\nNEXT", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 1, length: -1, chunked: true, body: "Wikipedia",
			trailers: Headers{{Name: "Expires", Value: "never"}}, rest: "NEXT"},
		{name: "gzip, chunked", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 1, length: -1, chunked: true, body: "z"},
		{name: "gzip only", raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 1, length: -1, untilClose: true, body: "zzz"},
		{name: "no reason", raw: "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", method: "GET",
			proto: "HTTP/1.1", status: 200, headers: 1, length: 0},
		{name: "empty reason", raw: "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", method: "GET",
			proto: "HTTP/1.1", status: 200, headers: 1, length: 0},
		{name: "iis status", raw: "HTTP/1.1 403.1 Forbidden\r\nContent-Length: 0\r\n\r\n", method: "GET",
			proto: "HTTP/1.1", status: 403, reason: "1 Forbidden", headers: 1, length: 0},
		{name: "iis second status line ignored", raw: "HTTP/1.1 200 OK\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 2, length: 0},
		{name: "last length counts", raw: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 2\r\n\r\nokabc", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 2, length: 2, body: "ok", rest: "abc"},
		{name: "bad length counts as none", raw: "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\nokabc", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 1, length: -1, untilClose: true, body: "okabc"},
		{name: "chunked beats length", raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nNEXT", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 2, length: -1, chunked: true, body: "ok", rest: "NEXT"},
		{name: "head at 4096 bytes", raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX: " + strings.Repeat("a", 4096-17-19-3-4) + "\r\n\r\nok", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 2, length: 2, body: "ok"},
		{name: "underscores", raw: "HTTP/1.1 200 OK\r\nX_Y: a\r\nContent-Length: 0\r\n\r\n", method: "GET",
			proto: "HTTP/1.1", status: 200, reason: "OK", headers: 2, length: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewReader(strings.NewReader(tt.raw), NginxLimits())
			resp, err := r.ReadResponse(tt.method)
			if err != nil {
				t.Fatalf("ReadResponse: %v", err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("body: %v", err)
			}
			got := []any{resp.Proto, resp.Status, resp.Reason, len(resp.Headers), resp.ContentLength, resp.Chunked, resp.UntilClose, string(body)}
			want := []any{tt.proto, tt.status, tt.reason, tt.headers, tt.length, tt.chunked, tt.untilClose, tt.body}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("proto, status, reason, headers, length, chunked, until close, body:\n got %#v\nwant %#v", got, want)
			}
			if !reflect.DeepEqual(resp.Trailers, tt.trailers) {
				t.Errorf("trailers %+v, want %+v", resp.Trailers, tt.trailers)
			}
			if rest, _ := io.ReadAll(r.br); string(rest) != tt.rest {
				t.Errorf("left in the Reader %q, want %q", rest, tt.rest)
			}
		})
	}
}

func TestReadResponseRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		raw    string
		detail string
	}{
		{"space before colon", "HTTP/1.1 200 OK\r\nX : y\r\n\r\n", `upstream sent invalid header: "X\x20..."`},
		{"nul in value", "HTTP/1.1 200 OK\r\nX: \x00\r\n\r\n", `upstream sent invalid header: "X: \x00..."`},
		{"head at 4097 bytes", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX: " + strings.Repeat("a", 4097-17-19-3-4) + "\r\n\r\nok", "upstream sent too big header"},
		{"bad chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", "upstream sent invalid chunked response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := NewReader(strings.NewReader(tt.raw), NginxLimits()).ReadResponse("GET")
			if err == nil {
				_, err = io.ReadAll(resp.Body)
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != 502 || e.Detail != tt.detail {
				t.Fatalf("err = %v, want 502 %q", err, tt.detail)
			}
		})
	}
}

func TestReadResponseEOF(t *testing.T) {
	t.Parallel()
	if _, err := NewReader(strings.NewReader(""), NginxLimits()).ReadResponse("GET"); err != io.EOF {
		t.Errorf("empty: %v, want io.EOF", err)
	}
	if _, err := NewReader(strings.NewReader("HTTP/1.1 200 OK\r\n"), NginxLimits()).ReadResponse("GET"); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut head: %v, want io.ErrUnexpectedEOF", err)
	}
	resp, err := NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc"), NginxLimits()).ReadResponse("GET")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut body: %v, want io.ErrUnexpectedEOF", err)
	}
}

// TestNoStatusLine checks that an answer without a valid status line can
// be relayed whole, as nginx 1.22.1 relays it.
func TestNoStatusLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, raw string }{
		{"garbage", "garbage here\r\n\r\nxx"},
		{"leading empty line", "\r\nHTTP/1.1 200 OK\r\n\r\n"},
		{"two-digit status", "HTTP/1.1 20 OK\r\n\r\n"},
		{"no space after version", "HTTP/1.1200 OK\r\n\r\n"},
		{"http/0.9 version", "HTTP/0.9 200 OK\r\n\r\n"},
		{"bare CR in reason", "HTTP/1.1 200 O\rK\r\n\r\n"},
		{"no line end", "Hello"},
		{"cut status line", "HTTP/1.1 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewReader(strings.NewReader(tt.raw), NginxLimits())
			_, err := r.ReadResponse("GET")
			var e *Error
			if tt.name == "cut status line" {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
				}
				return
			}
			if !errors.As(err, &e) || e.Status != 0 || e.Detail != "upstream sent no valid HTTP/1.0 header" {
				t.Fatalf("err = %v, want the Status 0 *Error", err)
			}
			body, err := io.ReadAll(r.ReadSimpleResponse().Body)
			if err != nil || string(body) != tt.raw {
				t.Errorf("relayed %q, %v; want %q", body, err, tt.raw)
			}
		})
	}
}

// TestReadSimpleResponse reads nginx's answer to "GET /\r\n".
func TestReadSimpleResponse(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader("Hello World (from Nginx)\n"), NginxLimits())
	resp := r.ReadSimpleResponse()
	body, err := io.ReadAll(resp.Body)
	if err != nil || string(body) != "Hello World (from Nginx)\n" || resp.Status != 0 || resp.Proto != "" || !resp.UntilClose {
		t.Errorf("got %+v, body %q, %v", resp, body, err)
	}
}
