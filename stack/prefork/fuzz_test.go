package prefork

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// FuzzRefusal reads any bytes as the worker does, by gunicorn's rules: a
// refusal's error page must be a well-formed answer whose Content-Length
// is its body's length.
func FuzzRefusal(f *testing.F) {
	reqs, _ := filepath.Glob(filepath.Join("testdata", "gunicorn", "*.req"))
	for _, p := range reqs {
		if b, err := os.ReadFile(p); err == nil && len(b) < 10000 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, err := http1.NewReader(bytes.NewReader(raw), http1.GunicornLimits()).ReadRequest()
		var refused *http1.Error
		if !errors.As(err, &refused) {
			return
		}
		r := refusalOf(refused)
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
