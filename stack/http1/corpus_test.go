package http1

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCorpus parses the real requests under testdata/requests, captured
// from curl, telnet and Chromium.
func TestCorpus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		method  string
		target  string
		proto   string
		headers int
		ua      string
		body    string
		keep    bool
	}{
		{"curl-get.txt", "GET", "/", "HTTP/1.1", 3, "curl/7.88.1", "", true},
		{"curl-post.txt", "POST", "/form", "HTTP/1.1", 5, "curl/7.88.1", "name=lab&talk=ngw2f", true},
		{"telnet-http10.txt", "GET", "/", "HTTP/1.0", 0, "", "", false},
		{"chromium-navigate.txt", "GET", "/", "HTTP/1.1", 14,
			"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", "", true},
		{"chromium-favicon.txt", "GET", "/favicon.ico", "HTTP/1.1", 13,
			"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join("testdata", "requests", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			req, body, err := readOne(t, string(raw))
			if err != nil {
				t.Fatal(err)
			}
			if req.Method != tt.method || req.Target != tt.target || req.Proto != tt.proto || len(req.Headers) != tt.headers {
				t.Errorf("got %s %s %s with %d headers", req.Method, req.Target, req.Proto, len(req.Headers))
			}
			if ua := req.Headers.Get("user-agent"); ua != tt.ua {
				t.Errorf("User-Agent %q, want %q", ua, tt.ua)
			}
			if body != tt.body || req.KeepAlive() != tt.keep {
				t.Errorf("body %q, keep-alive %v", body, req.KeepAlive())
			}
			for _, h := range req.Headers {
				if h.Invalid {
					t.Errorf("header %q marked invalid", h.Name)
				}
			}
			// The head read back byte for byte.
			head := AppendRequestHead(nil, req.Method, req.Target, req.Proto, req.Headers)
			if string(head) != string(raw[:req.HeadSize]) || req.HeadSize+len(body) != len(raw) {
				t.Errorf("written back as\n%q\nsent as\n%q", head, raw)
			}
		})
	}
}

// corpus returns the captured requests, for fuzz seeds and benchmarks.
func corpus(tb testing.TB) [][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "requests", "*.txt"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no requests under testdata/requests: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
