package http1

import "testing"

func TestAnswerComplete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		request, answer string
		want            bool
	}{
		{"content-length, whole", "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", true},
		{"content-length, short", "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhi", false},
		{"chunked, whole", "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", true},
		{"chunked, no last chunk", "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n", false},
		{"until close", "GET / HTTP/1.0\r\n", "HTTP/1.1 200 OK\n\nhello\n", false},
		{"head has no body", "HEAD / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true},
		{"304 has no body", "GET / HTTP/1.1\r\n", "HTTP/1.1 304 Not Modified\r\n\r\n", true},
		{"head not finished", "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\nContent-Le", false},
		{"0.9 request ends at close", "GET /\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false},
		{"nothing yet", "GET / HTTP/1.1\r\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := AnswerComplete([]byte(tt.request), []byte(tt.answer)); got != tt.want {
				t.Errorf("AnswerComplete = %v, want %v", got, tt.want)
			}
		})
	}
}
