package http1

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestAppendRequestHead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		method, target, proto string
		h                     Headers
		want                  string
	}{
		{"talk", "GET", "/", "HTTP/1.1", Headers{{Name: "Host", Value: "localhost"}}, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"},
		{"proxy upstream", "GET", "/hello", "HTTP/1.0", Headers{{Name: "Host", Value: "app"}, {Name: "X-Real-IP", Value: "127.0.0.1"}, {Name: "Connection", Value: "close"}},
			"GET /hello HTTP/1.0\r\nHost: app\r\nX-Real-IP: 127.0.0.1\r\nConnection: close\r\n\r\n"},
		{"no headers", "GET", "/", "HTTP/1.0", nil, "GET / HTTP/1.0\r\n\r\n"},
		{"simple request", "GET", "/", "", Headers{{Name: "Ignored", Value: "x"}}, "GET /\r\n"},
		{"empty value", "GET", "/", "HTTP/1.0", Headers{{Name: "Foo"}}, "GET / HTTP/1.0\r\nFoo: \r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := AppendRequestHead([]byte("prefix:"), tt.method, tt.target, tt.proto, tt.h)
			if string(got) != "prefix:"+tt.want {
				t.Fatalf("got %q, want %q", got, "prefix:"+tt.want)
			}
			req, _, err := readOne(t, tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if tt.proto == "" {
				tt.h = nil
			}
			if req.Method != tt.method || req.Target != tt.target || req.Proto != tt.proto || !reflect.DeepEqual(req.Headers, tt.h) {
				t.Errorf("read back %+v", req)
			}
		})
	}
}

func TestAppendResponseHead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		proto  string
		status int
		reason string
		h      Headers
		want   string
	}{
		{"nginx", "HTTP/1.1", 200, "OK", Headers{{Name: "Server", Value: "nginx/1.22.1"}, {Name: "Content-Length", Value: "0"}},
			"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 0\r\n\r\n"},
		{"gunicorn", "HTTP/1.0", 404, "NOT FOUND", nil, "HTTP/1.0 404 NOT FOUND\r\n\r\n"},
		{"no reason", "HTTP/1.1", 204, "", nil, "HTTP/1.1 204 \r\n\r\n"},
		{"small status padded", "HTTP/1.1", 7, "X", nil, "HTTP/1.1 007 X\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := AppendResponseHead(nil, tt.proto, tt.status, tt.reason, tt.h)
			if string(got) != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			resp, err := NewReader(bytes.NewReader(got), Limits{}).ReadResponse("GET")
			if err != nil {
				t.Fatal(err)
			}
			if resp.Proto != tt.proto || resp.Status != tt.status || resp.Reason != tt.reason || !reflect.DeepEqual(resp.Headers, tt.h) {
				t.Errorf("read back %+v", resp)
			}
		})
	}
}

func TestChunkedWriter(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewChunkedWriter(&buf)
	for _, s := range []string{"Hello, ", "", "chunked world", strings.Repeat("x", 300)} {
		if n, err := io.WriteString(w, s); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := w.Write([]byte("late")); err == nil {
		t.Error("Write after Close succeeded")
	}
	want := "7\r\nHello, \r\nd\r\nchunked world\r\n12c\r\n" + strings.Repeat("x", 300) + "\r\n0\r\n\r\n"
	if buf.String() != want {
		t.Fatalf("wrote %q, want %q", buf.String(), want)
	}
	head := AppendResponseHead(nil, "HTTP/1.1", 200, "OK", Headers{{Name: "Transfer-Encoding", Value: "chunked"}})
	resp, err := NewReader(io.MultiReader(bytes.NewReader(head), &buf), NginxLimits()).ReadResponse("GET")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil || string(body) != "Hello, chunked world"+strings.Repeat("x", 300) {
		t.Errorf("read back %q, %v", body, err)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestChunkedWriterError(t *testing.T) {
	t.Parallel()
	w := NewChunkedWriter(failWriter{})
	if n, err := w.Write([]byte("x")); n != 0 || err == nil {
		t.Errorf("Write = %d, %v; want 0 and the error", n, err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close hid the error")
	}
}
