// Package capture helps tests compare what a lab layer sends with what
// the real program sent, as captured under a testdata folder: NAME.req
// is what was sent to it, NAME.resp what came back, byte for byte.
package capture

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// Read returns the request and the answer captured as name in dir.
func Read(t testing.TB, dir, name string) (req, resp string) {
	t.Helper()
	rq, err := os.ReadFile(filepath.Join(dir, name+".req"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := os.ReadFile(filepath.Join(dir, name+".resp"))
	if err != nil {
		t.Fatal(err)
	}
	return string(rq), string(rs)
}

// Names returns the names of the captures in dir that start with prefix,
// sorted; it fails the test when there are none.
func Names(t testing.TB, dir, prefix string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, prefix+"*.req"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no capture in %s starts with %q (%v)", dir, prefix, err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = strings.TrimSuffix(filepath.Base(p), ".req")
	}
	sort.Strings(names)
	return names
}

// RoundTrip sends raw to addr and returns all that came back until the
// server closed the connection.
func RoundTrip(t testing.TB, addr net.Addr, raw string) string {
	t.Helper()
	return roundTrip(t, addr, raw, false)
}

// RoundTripHalfClosed is RoundTrip for a client that closes its side for
// writing once raw is sent, so the server reads end of file after it.
func RoundTripHalfClosed(t testing.TB, addr net.Addr, raw string) string {
	t.Helper()
	return roundTrip(t, addr, raw, true)
}

func roundTrip(t testing.TB, addr net.Addr, raw string, halfClose bool) string {
	t.Helper()
	got, err := Exchange(t, addr, raw, halfClose)
	if err != nil {
		t.Fatalf("reading the answer: %v (got %q)", err, got)
	}
	return got
}

// Exchange sends raw to addr, closes the client's side for writing when
// halfClose says so, and reads the answer to its end: it returns what
// came and the error the reading ended with (nil for a clean close, a
// reset when the server was killed mid-answer).
func Exchange(t testing.TB, addr net.Addr, raw string, halfClose bool) (string, error) {
	t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	if halfClose {
		c.(*net.TCPConn).CloseWrite()
	}
	b, err := io.ReadAll(c)
	return string(b), err
}

var (
	httpDate   = regexp.MustCompile(`(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT`)
	localPort  = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	serverLine = regexp.MustCompile(`(?m)^Server: [^\r]*\r$`)
)

// Normalize blanks what differs from run to run and, by design, between
// a lab layer and the program it mirrors: HTTP dates, loopback ports, and
// the Server header, which names the lab.
func Normalize(s string) string {
	s = httpDate.ReplaceAllString(s, "<date>")
	s = localPort.ReplaceAllString(s, "127.0.0.1:<port>")
	return serverLine.ReplaceAllString(s, "Server: <server>\r")
}

// Compare checks got against want, both normalized. When reason is not
// empty the two are known to differ for that reason: the test is skipped,
// and fails once they no longer differ.
func Compare(t *testing.T, got, want, reason string) {
	t.Helper()
	g, w := Normalize(got), Normalize(want)
	if reason != "" {
		if g == w {
			t.Errorf("the lab now answers as the real program: drop the known difference %q", reason)
		}
		t.Skip("known difference: " + reason)
	}
	if g != w {
		t.Errorf("the answer differs from the real program's\n got: %q\nwant: %q", g, w)
	}
}
