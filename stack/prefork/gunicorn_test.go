package prefork

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
)

// The captures in testdata/gunicorn are what Debian's gunicorn 20.1.0
// answered to each request (capture.py there). These tests send the same
// bytes to the lab's pre-fork server, serving the same app, and compare.

var dateLine = regexp.MustCompile(`(?m)^Date: [^\r]*\r$`)

// normalize blanks what differs between runs and between the two
// servers by design: the date, and the Server header and SERVER_SOFTWARE,
// which name the lab.
func normalize(s string) string {
	s = dateLine.ReplaceAllString(s, "Date: <date>\r")
	s = strings.ReplaceAll(s, "Server: "+ServerHeader+"\r\n", "Server: gunicorn\r\n")
	return s
}

func readCapture(t *testing.T, name string) (req, resp string) {
	t.Helper()
	return capture.Read(t, filepath.Join("testdata", "gunicorn"), name)
}

// captureCases are the captures by app, and the ones where the lab knowingly
// answers otherwise, with the reason.
var captureCases = []struct {
	app    string
	cases  []string
	differ map[string]string
}{
	{
		app: "hello:application",
		cases: []string{"talk", "http11", "head", "http09", "garbage", "lower-method", "bad-version",
			"version-12", "version-20", "header-no-colon", "header-space-name", "header-underscore",
			"line-4094", "line-4095", "fields-100", "fields-101", "field-8190", "field-8191",
			"bad-length", "te-gzip", "keep-alive", "leading-crlf", "two-spaces", "dup-length",
			"bare-lf", "lf-headers", "field-8213", "method-odd", "lower-head", "version-zeros",
			"version-314", "version-space", "bracket-target", "chunked-10", "identity-chunked",
			"header-sharp-s", "header-micro", "header-tab-name", "scheme-contradict",
			"scheme-contradict-late"},
	},
	{app: "stream:application", cases: []string{"stream-10", "stream-11"}},
	{app: "echo:application", cases: []string{"echo-body", "echo-chunked", "echo-expect-10", "echo-length-python"}},
	{app: "crash:application", cases: []string{"crash"}},
	{
		app:    "nostart:application",
		cases:  []string{"nostart"},
		differ: map[string]string{"nostart": "PEP 3333 makes a missing start_response an error (500); gunicorn sends \"HTTP/1.0 None\""},
	},
}

func TestAnswersAsGunicorn(t *testing.T) {
	for _, group := range captureCases {
		t.Run(group.app, func(t *testing.T) {
			s, _ := startServer(t, Options{App: group.app, Workers: 1})
			for _, name := range group.cases {
				t.Run(name, func(t *testing.T) {
					req, want := readCapture(t, name)
					// Where gunicorn did not answer (it waited for more until
					// capture.py gave up), the client ends its side: gunicorn
					// then closes without a word, and so must the lab.
					got, err := capture.Exchange(t, s.Addr(), req, want == "")
					if err != nil {
						t.Errorf("gunicorn closed cleanly, the lab's connection ended with %v", err)
					}
					if reason, ok := group.differ[name]; ok {
						if normalize(got) == normalize(want) {
							t.Errorf("the lab now answers as gunicorn: drop the known difference %q", reason)
						}
						t.Skip("known difference: " + reason)
					}
					if normalize(got) != normalize(want) {
						t.Errorf("answer differs from gunicorn's:\n got %q\nwant %q", normalize(got), normalize(want))
					}
				})
			}
		})
	}
}

// TestEnvironAsGunicorn compares the environ the app sees, key by key in
// order, with the one gunicorn built for the same request; the values
// that depend on the run (ports, the server's name) are left out.
func TestEnvironAsGunicorn(t *testing.T) {
	s, _ := startServer(t, Options{App: "environ:application", Workers: 1})
	for _, name := range []string{"environ-talk", "environ-proxied", "environ-body", "environ-values",
		"environ-lower", "environ-scheme", "environ-scheme-ssl", "environ-scheme-case",
		"environ-latin1-path", "environ-target-controls"} {
		t.Run(name, func(t *testing.T) {
			req, want := readCapture(t, name)
			got := exchange(t, s.Addr(), req)
			if g, w := environLines(got), environLines(want); g != w {
				t.Errorf("environ differs from gunicorn's:\n got:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

// environLines returns the body of an environ app's answer with the
// values that differ by run or by design replaced by their key.
func environLines(answer string) string {
	_, body, _ := strings.Cut(answer, "\r\n\r\n")
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "REMOTE_PORT", "SERVER_PORT", "SERVER_SOFTWARE", "wsgi.errors", "wsgi.input",
			"wsgi.file_wrapper", "gunicorn.socket":
			v = "<" + k + ">"
		}
		out = append(out, k+"="+v)
	}
	return strings.Join(out, "\n")
}
