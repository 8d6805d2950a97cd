package http1

import (
	"bufio"
	"strings"
	"testing"
)

func TestRequestLine(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		lim       Limits
		want      string
	}{
		{"HTTP/1.1", "GET /a?b HTTP/1.1\r\nHost: x\r\n\r\n", NginxLimits(), "GET /a?b HTTP/1.1"},
		{"no headers", "GET / HTTP/1.0\r\n\r\n", NginxLimits(), "GET / HTTP/1.0"},
		{"HTTP/0.9", "GET /old\r\n", NginxLimits(), "GET /old"},
		{"spaces", "GET   /x   HTTP/1.1\r\nHost: x\r\n\r\n", NginxLimits(), "GET /x HTTP/1.1"},
		{"absolute", "GET http://h/p HTTP/1.1\r\nHost: x\r\n\r\n", NginxLimits(), "GET http://h/p HTTP/1.1"},
		{"gunicorn upper-cases", "get /g HTTP/1.1\r\nHost: x\r\n\r\n", GunicornLimits(), "GET /g HTTP/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := NewReader(bufio.NewReader(strings.NewReader(tc.raw)), tc.lim).ReadRequest()
			if err != nil {
				t.Fatal(err)
			}
			if got := req.RequestLine(); got != tc.want {
				t.Errorf("RequestLine() = %q, want %q", got, tc.want)
			}
		})
	}
	made := &Request{Method: "POST", Target: "/f", Proto: "HTTP/1.1"}
	if got := made.RequestLine(); got != "POST /f HTTP/1.1" {
		t.Errorf("a Request made by hand: RequestLine() = %q", got)
	}
}
