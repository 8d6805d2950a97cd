package transcripts

import "testing"

func TestNormalize(t *testing.T) {
	t.Parallel()
	n := NewNormalizer(map[int]string{5000: "devserver"})
	tests := []struct{ in, want string }{
		{`127.0.0.1 - - [23/Nov/2026 10:09:09] "GET / HTTP/1.0" 200 -`, `127.0.0.1 - - [<date>] "GET / HTTP/1.0" 200 -`},
		{"[2026-11-23 10:09:09,123] ERROR in app: Exception on / [GET]", "[<date>] ERROR in app: Exception on / [GET]"},
		{"Date: Mon, 23 Nov 2026 10:09:09 GMT", "Date: <date>"},
		{"http://127.0.0.1:5000/ from 127.0.0.1:41234", "http://127.0.0.1:<devserver-port>/ from 127.0.0.1:<port>"},
	}
	for _, tt := range tests {
		if got := n.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
