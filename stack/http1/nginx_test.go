package http1

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
)

var update = flag.Bool("update", false, "rewrite the files under testdata/nginx from a real nginx")

// TestNginxAnswers compares the Reader with real nginx. For every case,
// the committed capture of nginx's answer must agree with the Reader's
// verdict. When nginx is installed, it is started and each case is sent to
// it, and its answer must match the capture (-update rewrites them).
func TestNginxAnswers(t *testing.T) {
	cases := nginxtest.Cases()
	t.Run("reader", func(t *testing.T) {
		t.Parallel()
		for _, c := range cases {
			t.Run(c.Name, func(t *testing.T) {
				t.Parallel()
				checkVerdict(t, c)
			})
		}
	})
	t.Run("live", func(t *testing.T) {
		addr := startNginx(t)
		for _, c := range cases {
			t.Run(c.Name, func(t *testing.T) {
				t.Parallel()
				got, err := ask(addr, c.Raw)
				if err != nil {
					t.Fatal(err)
				}
				got = normalize(got)
				path := capturePath(c.Name)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to capture it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("nginx answered\n%q\nthe capture says\n%q", got, want)
				}
			})
		}
	})
}

// checkVerdict reads c's request with the Reader and compares its verdict
// with the table and with nginx's captured answer.
func checkVerdict(t *testing.T, c nginxtest.Case) {
	req, err := NewReader(strings.NewReader(c.Raw), NginxLimits()).ReadRequest()
	if err == nil {
		_, err = io.Copy(io.Discard, req.Body)
	}
	verdict := statusOf(err)
	readErr := err
	if verdict != c.Reader {
		t.Errorf("the Reader's verdict is %d (%v), the table says %d", verdict, err, c.Reader)
	}
	captured, err := os.ReadFile(capturePath(c.Name))
	if err != nil {
		t.Fatalf("no capture of nginx's answer: %v", err)
	}
	status := capturedStatus(captured)
	var e *Error
	if m := titleReason.FindSubmatch(captured); m != nil && errors.As(readErr, &e) && c.Server == "" && e.Reason != string(m[1]) {
		t.Errorf("the Reader's reason is %q, nginx's error page says %q", e.Reason, m[1])
	}
	switch {
	case c.Server != "":
		// nginx's answer comes from a rule of the server's.
	case verdict == 0 && readerLevel(status):
		t.Errorf("the Reader accepts the request, nginx answered %d", status)
	case verdict != 0 && verdict != status:
		t.Errorf("the Reader answers %d, nginx answered %d", verdict, status)
	}
}

// readerLevel reports whether nginx answers status for a request the
// Reader refuses.
func readerLevel(status int) bool {
	return status == 400 || status == 414 || status == 501 || status == 505
}

// nginx's error pages say the status and the reason in their title.
var (
	titleStatus = regexp.MustCompile(`<title>(\d{3}) `)
	titleReason = regexp.MustCompile(`<title>\d{3} ([^<]*)</title>`)
)

// capturedStatus returns the status of nginx's answer: from its status
// line, else (an answer to HTTP/0.9) from its error page's title, else 200.
func capturedStatus(answer []byte) int {
	if resp, err := NewReader(bytes.NewReader(answer), Limits{}).ReadResponse("GET"); err == nil {
		return resp.Status
	}
	if m := titleStatus.FindSubmatch(answer); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	return 200
}

func capturePath(name string) string {
	return filepath.Join("testdata", "nginx", name+".txt")
}

// Header values that change from run to run.
var volatile = regexp.MustCompile(`(?m)^(Date|Last-Modified|ETag): [^\r\n]*`)

// normalize replaces the values of the Date, Last-Modified and ETag
// headers with placeholders.
func normalize(answer []byte) []byte {
	return volatile.ReplaceAllFunc(answer, func(line []byte) []byte {
		name, _, _ := bytes.Cut(line, []byte(": "))
		return fmt.Appendf(nil, "%s: <%s>", name, strings.ToLower(string(name)))
	})
}

// ask sends raw to addr and returns all that comes back until nginx
// closes the connection.
func ask(addr, raw string) ([]byte, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return nil, err
	}
	// nginx may answer and close before it has read a long request, so
	// write and read at once.
	go func() { _, _ = io.WriteString(conn, raw) }()
	answer, err := io.ReadAll(conn)
	if err != nil && !errno.Is(err, errno.ECONNRESET) {
		return answer, fmt.Errorf("reading nginx's answer: %w", err)
	}
	return answer, nil
}

// startNginx starts nginx with nginxConf and a root holding index.html,
// and returns its address. It skips the test when nginx is not installed,
// or is another version than the captures' (unless rewriting them).
func startNginx(t *testing.T) string {
	n := nginxtest.Start(t, nginxtest.Options{
		Conf:       nginxtest.ReaderConf,
		Files:      map[string]string{"html/index.html": "Hello World (from Nginx)\n"},
		AnyVersion: *update,
	})
	return n.Addr
}
