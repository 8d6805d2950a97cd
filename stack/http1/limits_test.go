package http1

import (
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
)

// TestNginxLimits checks the limits against what nginx 1.22.1 was
// measured to accept and refuse.
func TestNginxLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		raw    string
		status int
		reason string
	}{
		{"request line 8192", nginxtest.RequestLineOf(8192), 0, ""},
		{"request line 8193", nginxtest.RequestLineOf(8193), 414, "Request-URI Too Large"},
		{"request line 8192 after empty lines", strings.Repeat("\r\n", 600) + nginxtest.RequestLineOf(8192), 0, ""},
		{"request line 8193 after empty lines", strings.Repeat("\r\n", 600) + nginxtest.RequestLineOf(8193), 414, "Request-URI Too Large"},
		{"bad method in a too long line", "get /" + strings.Repeat("a", 9000) + " HTTP/1.0\r\n\r\n", 400, "Bad Request"},
		{"http/2 in a too long line", "GET / HTTP/2.0 " + strings.Repeat("a", 9000) + "\r\n\r\n", 505, "HTTP Version Not Supported"},
		{"header line 8192", nginxtest.HeaderLineOf(8192), 0, ""},
		{"header line 8193", nginxtest.HeaderLineOf(8193), 400, "Request Header Or Cookie Too Large"},
		{"bad header in a too long line", "GET / HTTP/1.0\r\nFoo : " + strings.Repeat("a", 9000) + "\r\n\r\n", 400, "Bad Request"},
		{"301 headers of 100", nginxtest.ManyHeaders(301, 100), 0, ""},
		{"302 headers of 100", nginxtest.ManyHeaders(302, 100), 400, "Request Header Or Cookie Too Large"},
		{"32 headers of 1000", nginxtest.ManyHeaders(32, 1000), 0, ""},
		{"33 headers of 1000", nginxtest.ManyHeaders(33, 1000), 400, "Request Header Or Cookie Too Large"},
		{"8 headers of 4000", nginxtest.ManyHeaders(8, 4000), 0, ""},
		{"9 headers of 4000", nginxtest.ManyHeaders(9, 4000), 400, "Request Header Or Cookie Too Large"},
		{"4 headers of 5000", nginxtest.ManyHeaders(4, 5000), 0, ""},
		{"5 headers of 5000", nginxtest.ManyHeaders(5, 5000), 400, "Request Header Or Cookie Too Large"},
		{"1000 headers", nginxtest.ManyHeaders(1000, 1), 0, ""},
		{"1001 headers", nginxtest.ManyHeaders(1001, 1), 400, "Request Header Or Cookie Too Large"},
		{"1000 ignored and 1 header", "GET / HTTP/1.0\r\n" + strings.Repeat("X_Y: a\r\n", 1000) + "A: b\r\n\r\n", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := readOne(t, tt.raw)
			if got := statusOf(err); got != tt.status {
				t.Fatalf("status %d (%v), want %d", got, err, tt.status)
			}
			if e, ok := err.(*Error); ok && e.Reason != tt.reason {
				t.Errorf("reason %q, want %q", e.Reason, tt.reason)
			}
		})
	}
}

// TestSimpleLimits checks limits without packing, as a gunicorn-like
// server sets them.
func TestSimpleLimits(t *testing.T) {
	t.Parallel()
	lim := Limits{MaxRequestLine: 4096, MaxHeaderLine: 8192, MaxHeaders: 100, UnderscoresInHeaders: true}
	tests := []struct {
		name   string
		raw    string
		status int
	}{
		{"request line 4096", nginxtest.RequestLineOf(4096), 0},
		{"request line 4097", nginxtest.RequestLineOf(4097), 414},
		{"100 headers", nginxtest.ManyHeaders(100, 100), 0},
		{"101 headers", nginxtest.ManyHeaders(101, 100), 400},
		{"many long headers fit without packing", nginxtest.ManyHeaders(40, 4000), 0},
		{"header line 8193", nginxtest.HeaderLineOf(8193), 400},
		{"underscores accepted", "GET / HTTP/1.0\r\nX_Y: a\r\n\r\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := NewReader(strings.NewReader(tt.raw), lim).ReadRequest()
			if got := statusOf(err); got != tt.status {
				t.Fatalf("status %d (%v), want %d", got, err, tt.status)
			}
			if err == nil && req.Headers.Has("X_Y") != strings.Contains(tt.raw, "X_Y") {
				t.Errorf("headers %+v", req.Headers)
			}
		})
	}
	// The zero Limits accept anything.
	if _, err := NewReader(strings.NewReader(nginxtest.ManyHeaders(3000, 100)), Limits{}).ReadRequest(); err != nil {
		t.Errorf("zero Limits: %v", err)
	}
}

func TestPacking(t *testing.T) {
	t.Parallel()
	lim := NginxLimits()
	p := newPacking(&lim, 0)
	for i, tt := range []struct {
		n    int
		ok   bool
		left int
	}{
		{1000, true, 24}, {24, true, 0}, {1, true, 8191}, {8191, true, 0},
		{8192, true, 0}, {100, true, 8092}, {8093, true, 99}, {99, true, 0}, {1, false, 0},
	} {
		if ok := p.fit(tt.n); ok != tt.ok || p.left != tt.left {
			t.Errorf("step %d: fit(%d) = %v, left %d; want %v, %d", i, tt.n, ok, p.left, tt.ok, tt.left)
		}
	}
	if p := newPacking(&lim, 1024+10); p.left != 1014 {
		t.Errorf("after 1034 empty-line bytes, left %d, want 1014", p.left)
	}
}
