package prefork

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// FuzzCheckHead judges any bytes as gunicorn's parser would: it must not
// panic, and the error page for a refusal must be a well-formed answer
// whose Content-Length is its body's length.
func FuzzCheckHead(f *testing.F) {
	reqs, _ := filepath.Glob(filepath.Join("testdata", "gunicorn", "*.req"))
	for _, p := range reqs {
		if b, err := os.ReadFile(p); err == nil && len(b) < 10000 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r := checkHead(raw)
		if r == nil {
			req, err := http1.NewReader(bytes.NewReader(raw), readLimits).ReadRequest()
			if err == nil {
				return
			}
			r = refuse(err, req)
		}
		page := errorPage(r)
		resp, err := http1.NewReader(bytes.NewReader(page), http1.Limits{}).ReadResponse("GET")
		if err != nil {
			t.Fatalf("error page %q does not read: %v", page, err)
		}
		_, body, _ := bytes.Cut(page, []byte("\r\n\r\n"))
		if resp.Status != r.status || resp.Headers.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Fatalf("error page %q: status %d, length %s for %d bytes", page, resp.Status, resp.Headers.Get("Content-Length"), len(body))
		}
	})
}

func TestPyRepr(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"GET /", `'GET /'`},
		{"it's", `"it's"`},
		{`it's "x"`, `'it\'s "x"'`},
		// Python: repr('a\tb\x01\x85\xe9\xad\\\'x')
		{"a\tb\x01\x85\xe9\xad\\'x", "\"a\\tb\\x01\\x85\xe9\\xad\\\\'x\""},
	}
	for _, tt := range tests {
		if got := pyRepr("", tt.in); got != tt.want {
			t.Errorf("pyRepr(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzTokenAndVersion holds the worker's hand-written checks to the
// regular expressions of gunicorn 20.1.0's parser (TOKEN_RE, VERSION_RE)
// that they stand for.
func FuzzTokenAndVersion(f *testing.F) {
	tokenRE := regexp.MustCompile(`^[!#$%&'*+\-.^_` + "`" + `|~0-9a-zA-Z]+$`)
	versionRE := regexp.MustCompile(`^HTTP/(\d+)\.(\d+)$`)
	for _, s := range []string{"GET", "X-Forwarded-For", "", "GE T", "Host:", "HTTP/1.0", "HTTP/1.1.1", "HTTP/1.", "HTTP/.1", "HTTP/10.23", "http/1.0", "HTTP/1.0\n", "HTTP/١.0", "ſ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isToken(s), tokenRE.MatchString(s); got != want {
			t.Errorf("isToken(%q) = %v, TOKEN_RE says %v", s, got, want)
		}
		if got, want := isVersion(s), versionRE.MatchString(s); got != want {
			t.Errorf("isVersion(%q) = %v, VERSION_RE says %v", s, got, want)
		}
	})
}
