package http1

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the files under testdata/nginx from a real nginx")

// nginxVersion is the nginx whose answers testdata/nginx holds.
const nginxVersion = "nginx/1.22.1"

// TestNginxAnswers compares the Reader with real nginx. For every case,
// the committed capture of nginx's answer must agree with the Reader's
// verdict. When nginx is installed, it is started and each case is sent to
// it, and its answer must match the capture (-update rewrites them).
func TestNginxAnswers(t *testing.T) {
	cases := nginxCases()
	t.Run("reader", func(t *testing.T) {
		t.Parallel()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				checkVerdict(t, c)
			})
		}
	})
	t.Run("live", func(t *testing.T) {
		addr := startNginx(t)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				got, err := ask(addr, c.raw)
				if err != nil {
					t.Fatal(err)
				}
				got = normalize(got)
				path := capturePath(c.name)
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
func checkVerdict(t *testing.T, c nginxCase) {
	req, err := NewReader(strings.NewReader(c.raw), NginxLimits()).ReadRequest()
	if err == nil {
		_, err = io.Copy(io.Discard, req.Body)
	}
	verdict := statusOf(err)
	readErr := err
	if verdict != c.reader {
		t.Errorf("the Reader's verdict is %d (%v), the table says %d", verdict, err, c.reader)
	}
	captured, err := os.ReadFile(capturePath(c.name))
	if err != nil {
		t.Fatalf("no capture of nginx's answer: %v", err)
	}
	status := capturedStatus(captured)
	var e *Error
	if m := titleReason.FindSubmatch(captured); m != nil && errors.As(readErr, &e) && c.server == "" && e.Reason != string(m[1]) {
		t.Errorf("the Reader's reason is %q, nginx's error page says %q", e.Reason, m[1])
	}
	switch {
	case c.server != "":
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
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		return answer, fmt.Errorf("reading nginx's answer: %w", err)
	}
	return answer, nil
}

// nginxConf is the configuration of the test's nginx: the index page, and
// /body, which reads a request's body (to pass it to /ok) before it
// answers.
const nginxConf = `daemon off;
worker_processes 1;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log info;
events { worker_connections 64; }
http {
	access_log {{dir}}/access.log;
	client_body_temp_path {{dir}}/body;
	proxy_temp_path {{dir}}/proxy;
	fastcgi_temp_path {{dir}}/fastcgi;
	uwsgi_temp_path {{dir}}/uwsgi;
	scgi_temp_path {{dir}}/scgi;
	server {
		listen {{addr}};
		root {{dir}}/html;
		index index.html;
		location = /ok { return 200 "body ok\n"; }
		location /body { proxy_pass http://{{addr}}/ok; }
	}
}
`

// startNginx starts nginx in a directory of its own on a free loopback
// port, and stops it, by its PID, when the test ends. It skips the test
// when nginx is not installed, or is another version than the captures'.
func startNginx(t *testing.T) string {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			t.Skip("nginx not installed: apt-get install nginx")
		}
		bin = "/usr/sbin/nginx"
	}
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	if !bytes.Contains(out, []byte(nginxVersion)) && !*update {
		t.Skipf("the captures are %s's answers, this is %s", nginxVersion, bytes.TrimSpace(out))
	}
	// The workers may run as another user (nobody), so the directory must
	// be readable by all.
	dir, err := os.MkdirTemp("", "http1-nginx-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	html := filepath.Join(dir, "html")
	if err := os.MkdirAll(html, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(html, "index.html"), []byte("Hello World (from Nginx)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for try := 0; ; try++ {
		addr := freeAddr(t)
		conf := strings.NewReplacer("{{dir}}", dir, "{{addr}}", addr).Replace(nginxConf)
		confPath := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting nginx: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if waitListening(addr, exited) {
			t.Cleanup(func() { stopNginx(t, cmd.Process, exited) })
			return addr
		}
		stopNginx(t, cmd.Process, exited)
		if try == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s%s", stderr.Bytes(), log)
		}
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitListening waits up to five seconds for addr to accept connections,
// and gives up early when nginx exits.
func waitListening(addr string, exited chan error) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err
			return false
		default:
		}
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// stopNginx asks nginx's master process to stop (SIGTERM, a fast
// shutdown that stops its workers too) and kills it if it has not
// stopped after five seconds.
func stopNginx(t *testing.T, p *os.Process, exited chan error) {
	select {
	case err := <-exited:
		exited <- err
		return
	default:
	}
	_ = p.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Errorf("nginx (pid %d) did not stop; killing it", p.Pid)
		_ = p.Kill()
		<-exited
	}
}
