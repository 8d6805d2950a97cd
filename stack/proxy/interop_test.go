package proxy

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
)

var update = flag.Bool("update", false, "rewrite the captures under testdata/interop from a real nginx")

// interopConf is the interop test's configuration, for nginx and the
// proxy alike: the talk's part I at /, its part II at /app/, and more
// locations to reach every answer the lesson shows.
const interopConf = `daemon off;
worker_processes 1;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log info;
events { worker_connections 1024; }
http {
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    types_hash_max_size 2048;
    include {{dir}}/mime.types;
    default_type application/octet-stream;
    access_log {{dir}}/access.log;
    client_body_temp_path {{dir}}/body;
    proxy_temp_path {{dir}}/proxy;
    fastcgi_temp_path {{dir}}/fastcgi;
    uwsgi_temp_path {{dir}}/uwsgi;
    scgi_temp_path {{dir}}/scgi;

    upstream app_server {
        server {{upstream}} fail_timeout=0;
    }

    server {
        listen {{addr}} default_server;
        root {{dir}}/html;
        index index.html index.htm;
        server_name localhost;

        location / {
            try_files $uri $uri/ /index.html =404;
        }
        location /app/ {
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Host $http_host;
            proxy_redirect off;
            proxy_pass http://app_server;
        }
        location /static/ { alias {{dir}}/html/; }
        location /plain/ { alias {{dir}}/html/; }
        location /glued/ { alias {{dir}}/html; }
        location /img { alias {{dir}}/html/; }
        location /direct/ { proxy_pass http://{{upstream}}; }
        location /swap/ { proxy_pass http://{{upstream}}/x/; }
        location /dead/ { proxy_pass http://{{dead}}; }
        location /nobuf/ { proxy_buffering off; proxy_pass http://{{upstream}}; }
        location /slow/ { proxy_read_timeout 1s; proxy_pass http://{{upstream}}; }
        location = /ok { default_type text/plain; return 200 "body ok\n"; }
        location = /moved { return 301 /dir/; }
    }
}
`

// interopFiles are the files both servers serve, all dated fileTime.
var interopFiles = map[string]string{
	"html/index.html":     "Hello World (from Nginx)\n",
	"html/a.txt":          "x",
	"html/s.css":          "body{}",
	"html/dir/index.html": "sub\n",
	"html/empty/.keep":    "",
	"html.txt":            "beside the root\n",
	"secret.txt":          "outside the root\n",
}

var fileTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// indexETag is the ETag both give html/index.html.
var indexETag = fmt.Sprintf(`"%x-%x"`, fileTime.Unix(), 25)

// interopCase is one exchange sent to nginx and to the proxy.
type interopCase struct {
	name string
	raw  string
}

// interopDiffer are the cases the proxy knowingly answers otherwise than
// nginx, and why: its answer must differ from nginx's capture, and its
// journey must say so in a note.
var interopDiffer = map[string]string{
	"alias-climbs": "the lab opens no file outside the directory an alias names",
}

func interopCases() []interopCase {
	const close11 = "Host: localhost:8080\r\nConnection: close\r\n\r\n"
	return []interopCase{
		// The talk's demo and the lesson's static steps.
		{"talk-demo", "GET / HTTP/1.0\r\n\r\n"},
		{"http11-host", "GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nConnection: close\r\n\r\n"},
		{"keepalive-two", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\nGET /a.txt HTTP/1.1\r\n" + close11},
		{"http10-keepalive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /s.css HTTP/1.0\r\n\r\n"},
		{"head", "HEAD / HTTP/1.0\r\n\r\n"},
		{"head-404", "HEAD /plain/nope HTTP/1.1\r\n" + close11},
		{"try-files-fallback", "GET /nope HTTP/1.0\r\n\r\n"},
		{"not-found", "GET /plain/nope HTTP/1.0\r\n\r\n"},
		{"not-found-keepalive", "GET /plain/nope HTTP/1.1\r\nHost: localhost\r\n\r\nGET /a.txt HTTP/1.1\r\n" + close11},
		{"dir-redirect", "GET /dir HTTP/1.0\r\n\r\n"},
		{"dir-redirect-host", "GET /plain/dir?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nConnection: close\r\n\r\n"},
		{"dir-index", "GET /dir/ HTTP/1.0\r\n\r\n"},
		{"dir-forbidden", "GET /empty/ HTTP/1.0\r\n\r\n"},
		{"static-alias", "GET /static/index.html HTTP/1.0\r\n\r\n"},
		{"mime-css", "GET /static/s.css HTTP/1.0\r\n\r\n"},
		{"return-text", "GET /ok HTTP/1.0\r\n\r\n"},
		{"return-redirect", "GET /moved HTTP/1.1\r\n" + close11},
		{"http09", "GET /\r\n"},
		{"http09-404", "GET /plain/nope\r\n"},

		// Conditional requests and ranges.
		{"if-modified-since", "GET / HTTP/1.0\r\nIf-Modified-Since: Tue, 02 Jan 2024 03:04:05 GMT\r\n\r\n"},
		{"if-modified-since-older", "GET / HTTP/1.0\r\nIf-Modified-Since: Mon, 01 Jan 2024 03:04:05 GMT\r\n\r\n"},
		{"if-none-match", "GET / HTTP/1.1\r\nIf-None-Match: " + indexETag + "\r\n" + close11},
		{"if-none-match-other", "GET / HTTP/1.1\r\nIf-None-Match: \"nope\"\r\n" + close11},
		{"if-match-fails", "GET / HTTP/1.0\r\nIf-Match: \"x\"\r\n\r\n"},
		{"range", "GET / HTTP/1.0\r\nRange: bytes=0-4\r\n\r\n"},
		{"range-suffix", "GET / HTTP/1.0\r\nRange: bytes=-3\r\n\r\n"},
		{"range-multi", "GET / HTTP/1.0\r\nRange: bytes=0-1,3-4\r\n\r\n"},
		{"range-unsatisfiable", "GET / HTTP/1.0\r\nRange: bytes=100-\r\n\r\n"},
		{"range-if-range-stale", "GET / HTTP/1.0\r\nRange: bytes=0-4\r\nIf-Range: \"old\"\r\n\r\n"},

		// What nginx refuses beyond the HTTP reader.
		{"post-static", "POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"},
		{"unknown-method", "BREW / HTTP/1.0\r\n\r\n"},
		{"trace", "TRACE / HTTP/1.0\r\n\r\n"},
		{"too-large", "POST / HTTP/1.0\r\nContent-Length: 2000000\r\n\r\n"},
		{"no-host-11", "GET / HTTP/1.1\r\n\r\n"},
		{"bad-host", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"},
		{"two-hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
		{"dotdot", "GET /../etc/passwd HTTP/1.0\r\n\r\n"},
		{"encoded-dotdot", "GET /%2e%2e/etc/passwd HTTP/1.0\r\n\r\n"},
		{"encoded-dotdot-deep", "GET /dir/%2e%2e/%2e%2e/etc/passwd HTTP/1.0\r\n\r\n"},
		{"encoded-slash", "GET /%2F..%2Fetc/passwd HTTP/1.0\r\n\r\n"},
		{"encoded-nul", "GET /a%00.txt HTTP/1.0\r\n\r\n"},
		{"dotdot-inside", "GET /dir/../a.txt HTTP/1.0\r\n\r\n"},
		{"expect-static", "GET /ok HTTP/1.1\r\nExpect: 100-continue\r\n" + close11},
		{"expect-file", "GET /a.txt HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n" + close11},
		{"expect-post-file", "POST /a.txt HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n" + close11},
		{"expect-post-missing", "POST /plain/nope HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n" + close11},
		{"expect-dir-redirect", "GET /dir HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n" + close11},
		{"expect-return-redirect", "POST /moved HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n" + close11},

		// alias is a string glued to the rest of the URI: without a slash it
		// names files beside the directory, with one after a location
		// without one it climbs out of it.
		{"alias-glued-file", "GET /glued/index.html HTTP/1.0\r\n\r\n"},
		{"alias-glued-dir", "GET /glued/ HTTP/1.0\r\n\r\n"},
		{"alias-glued-subdir", "GET /glued/dir/ HTTP/1.0\r\n\r\n"},
		{"alias-glued-beside", "GET /glued/.txt HTTP/1.0\r\n\r\n"},
		{"alias-climbs", "GET /img../secret.txt HTTP/1.0\r\n\r\n"},
		{"alias-climbs-to-nothing", "GET /img../nope.txt HTTP/1.0\r\n\r\n"},
		{"index-missing-dir", "GET /plain/nodir/ HTTP/1.0\r\n\r\n"},
		{"index-not-a-dir", "GET /plain/a.txt/ HTTP/1.0\r\n\r\n"},

		// Hosts in the request line and in the Host header.
		{"absolute-no-host-11", "GET http://localhost/ok HTTP/1.1\r\n\r\n"},
		{"absolute-bad-host-header", "GET http://localhost/ok HTTP/1.1\r\nHost: a/b\r\n\r\n"},
		{"absolute-two-hosts", "GET http://localhost/ok HTTP/1.1\r\nHost: b\r\nHost: c\r\n\r\n"},
		{"absolute-host-10", "GET http://localhost/ok HTTP/1.0\r\nHost: b:99\r\n\r\n"},
		{"absolute-bad-line-host", "GET http://a..b/ok HTTP/1.0\r\n\r\n"},
		{"host-tab", "GET /ok HTTP/1.0\r\nHost:\tlocalhost\r\n\r\n"},

		// Proxying, and what the upstream receives.
		{"proxy-talk-demo", "GET /app/ HTTP/1.0\r\n\r\n"},
		{"proxy-curl", "GET /app/?a=b HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nX-Forwarded-For: 1.2.3.4\r\nKeep-Alive: 300\r\nX_Under: 1\r\nUpgrade: foo\r\nTE: trailers\r\nFoo\r\nCookie: a\r\nCookie: b\r\nConnection: close\r\n\r\n"},
		{"proxy-default-headers", "GET /direct/x HTTP/1.0\r\nHost: h\r\n\r\n"},
		{"proxy-unnormalized-uri", "GET /direct//a/../x?y=%41 HTTP/1.0\r\n\r\n"},
		{"proxy-post", "POST /direct/x?q HTTP/1.1\r\nHost: h\r\nContent-Type: a/b\r\nContent-Length: 5\r\nX: y\r\nConnection: close\r\n\r\nhello"},
		{"proxy-post-spooled", "POST /dead/ HTTP/1.0\r\nHost: localhost:8080\r\nContent-Length: 20000\r\n\r\n" + strings.Repeat("a", 20000)},
		{"proxy-chunked-body", "POST /swap/abc HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nX: y\r\nConnection: close\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"},
		{"proxy-expect", "GET /app/ HTTP/1.1\r\nExpect: 100-continue\r\n" + close11},
		{"proxy-headers", "GET /app/hdrs HTTP/1.1\r\n" + close11},
		{"proxy-upstream-chunked", "GET /app/chunked HTTP/1.1\r\n" + close11},
		{"proxy-upstream-chunked-10", "GET /app/chunked HTTP/1.0\r\n\r\n"},
		{"proxy-no-reason", "GET /app/noreason HTTP/1.1\r\n" + close11},
		{"proxy-odd-status", "GET /app/odd HTTP/1.1\r\n" + close11},
		{"proxy-http09-answer", "GET /app/09 HTTP/1.0\r\n\r\n"},
		{"proxy-rawsock", "GET /app/raw HTTP/1.0\r\n\r\n"},
		{"proxy-rawsock-11", "GET /app/raw HTTP/1.1\r\n" + close11},
		{"proxy-rawsock-head", "HEAD /app/raw HTTP/1.1\r\n" + close11},
		{"proxy-rawsock-09", "GET /app/raw\r\n"},
		{"proxy-no-buffering", "GET /nobuf/raw HTTP/1.1\r\n" + close11},
		{"proxy-upstream-404", "GET /app/404 HTTP/1.1\r\n" + close11},
		{"proxy-redirect", "GET /app/redirect HTTP/1.0\r\n\r\n"},
		{"proxy-upstream-closes", "GET /app/close HTTP/1.1\r\n" + close11},
		{"proxy-bad-header", "GET /app/badhdr HTTP/1.1\r\n" + close11},
		{"proxy-refused", "GET /dead/ HTTP/1.0\r\nHost: localhost:8080\r\nReferer: http://x/\r\n\r\n"},
		{"proxy-timeout", "GET /slow/slow HTTP/1.0\r\n\r\n"},
		{"proxy-header-tabs", "GET /direct/x HTTP/1.0\r\nX-Tab:\tvalue\t\r\nX-Sp:  v  \r\nX-Mid: a \t\r\n\r\n"},
		{"proxy-upstream-tabs", "GET /app/tabs HTTP/1.1\r\n" + close11},
		{"proxy-keepalive-two", "GET /app/ HTTP/1.1\r\nHost: localhost\r\n\r\nGET /app/raw HTTP/1.1\r\n" + close11},
	}
}

// exchange is what one case gave: the answer, the requests the upstream
// received, and the log lines written.
type exchange struct {
	answer, upstream, logs string
}

func (x exchange) String() string {
	return "=== answer\n" + x.answer + "\n=== upstream\n" + x.upstream + "\n=== logs\n" + x.logs
}

// TestInterop sends each case to the proxy and compares its answer, what
// its upstream received and its log lines with nginx's, as captured in
// testdata/interop. When nginx is installed, it is run with the same
// configuration and must still give the captures (-update rewrites them).
func TestInterop(t *testing.T) {
	cases := interopCases()
	up := startUpstream(t)
	up.slow = 1500 * time.Millisecond
	dead := porttest.Refused(t)
	vars := map[string]string{"upstream": up.addr(), "dead": dead}

	t.Run("proxy", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir)
		conf := strings.NewReplacer("{{dir}}", filepath.ToSlash(dir), "{{addr}}", "127.0.0.1:8080", "{{upstream}}", up.addr(), "{{dead}}", dead).Replace(interopConf)
		p := startProxy(t, conf, nil)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				answer := ask(t, p.Addr().String(), c.raw, 3*time.Second)
				logs, notes := proxyLogs(p)
				x := exchange{
					answer:   normalizeAnswer(answer, p.token(nil)),
					upstream: normalizeText(strings.Join(up.take(), "\n---\n")),
					logs:     logs,
				}
				if why, ok := interopDiffer[c.name]; ok {
					knownDifference(t, c.name, x, notes, why)
					return
				}
				compareCapture(t, c.name, x)
			})
		}
	})
	t.Run("nginx", func(t *testing.T) {
		files := map[string]string{"mime.types": mimeTypes(t)}
		for name, content := range interopFiles {
			files[name] = content
		}
		n := nginxtest.Start(t, nginxtest.Options{Conf: interopConf, Vars: vars, Files: files, AnyVersion: *update})
		dateFiles(t, n.Dir)
		logs := &nginxLogs{dir: n.Dir}
		logs.read()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				answer := ask(t, n.Addr, c.raw, 3*time.Second)
				x := exchange{
					answer:   normalizeAnswer(answer, nginxtest.Version),
					upstream: normalizeText(strings.Join(up.take(), "\n---\n")),
					logs:     logs.await(),
				}
				path := capturePath(c.name)
				if *update {
					if err := os.WriteFile(path, []byte(x.String()), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				compareCapture(t, c.name, x)
			})
		}
	})
}

// knownDifference checks a case the proxy knowingly answers otherwise
// than nginx: its answer must not be nginx's (else the difference is
// gone), and a note in its journey must say what nginx would have done.
func knownDifference(t *testing.T, name string, x exchange, notes []string, why string) {
	t.Helper()
	want, err := os.ReadFile(capturePath(name))
	if err != nil {
		t.Fatal(err)
	}
	if x.String() == string(want) {
		t.Errorf("the proxy now answers as nginx: drop the known difference %q", why)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "nginx would have served this") {
		t.Errorf("the journey does not say that nginx would have served it (%s); notes: %q", why, notes)
	}
}

func capturePath(name string) string { return filepath.Join("testdata", "interop", name+".txt") }

func compareCapture(t *testing.T, name string, x exchange) {
	t.Helper()
	want, err := os.ReadFile(capturePath(name))
	if err != nil {
		t.Fatalf("%v (run the test with nginx installed and -update to capture it)", err)
	}
	if got := x.String(); got != string(want) {
		t.Errorf("got\n%s\nnginx's capture\n%s", got, want)
	}
}

// mimeTypes returns Debian's mime.types, or the copy the lab ships.
func mimeTypes(t *testing.T) string {
	b, err := embedded.ReadFile("configs/conf/mime.types")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFiles(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{"mime.types": mimeTypes(t)}
	for name, content := range interopFiles {
		files[name] = content
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dateFiles(t, dir)
}

// dateFiles gives the served files one known date, so that their ETag and
// Last-Modified are the same for both servers and in the captures.
func dateFiles(t *testing.T, dir string) {
	t.Helper()
	for name := range interopFiles {
		if err := os.Chtimes(filepath.Join(dir, name), fileTime, fileTime); err != nil {
			t.Fatal(err)
		}
	}
}

// nginxLogs reads nginx's log files as they grow.
type nginxLogs struct {
	dir       string
	errs, acc int64
}

// read returns the lines added to the logs since the last call, in the
// form proxyLogs gives.
func (l *nginxLogs) read() string {
	errs := readFrom(filepath.Join(l.dir, "error.log"), &l.errs)
	acc := readFrom(filepath.Join(l.dir, "access.log"), &l.acc)
	return formatLogs(acc, errs, nginxtest.Version)
}

// await returns the lines added since the last call, once the request
// just answered has logged and the logs have been quiet for a moment, or
// after a second without an access line (a request nginx never read logs
// nothing): nginx may log after the client has its answer, and on a
// loaded machine that can be well after it.
func (l *nginxLogs) await() string {
	const quiet = 50 * time.Millisecond
	var acc, errs []string
	deadline, lastNew := time.Now().Add(time.Second), time.Now()
	for {
		e := readFrom(filepath.Join(l.dir, "error.log"), &l.errs)
		a := readFrom(filepath.Join(l.dir, "access.log"), &l.acc)
		if len(e)+len(a) > 0 {
			errs, acc, lastNew = append(errs, e...), append(acc, a...), time.Now()
		}
		if (len(acc) > 0 && time.Since(lastNew) > quiet) || time.Now().After(deadline) {
			return formatLogs(acc, errs, nginxtest.Version)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func readFrom(path string, off *int64) []string {
	b, _ := os.ReadFile(path)
	if int64(len(b)) < *off {
		*off = 0
	}
	b, *off = b[*off:], int64(len(b))
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// proxyLogs returns the proxy's log lines since the last call, and the
// notes it recorded.
func proxyLogs(p *testProxy) (logs string, notes []string) {
	var acc, errs []string
	deadline := time.Now().Add(time.Second)
	for {
		for _, e := range p.sub.TryNext(0) {
			if e.Name == "access_log" {
				acc = append(acc, string(e.Data))
			}
			if e.Name == "error_log" || e.Name == ErrorLogBelow {
				errs = append(errs, string(e.Data))
			}
			if e.Name == "note" {
				notes = append(notes, string(e.Data))
			}
		}
		if len(acc) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	return formatLogs(acc, errs, p.token(nil)), notes
}

// formatLogs keeps the access lines and the error lines at warn level and
// above (nginx's info lines are its own chatter), normalized.
func formatLogs(acc, errs []string, token string) string {
	var out []string
	for _, l := range acc {
		out = append(out, "access: "+normalizeText(retokenAccess(l, token, "<server>")))
	}
	for _, l := range errs {
		if strings.Contains(l, "[info]") || strings.Contains(l, "[notice]") {
			continue
		}
		out = append(out, "error: "+normalizeText(l))
	}
	return strings.Join(out, "\n")
}

var (
	dateHeader = regexp.MustCompile(`(?m)^Date: [^\r\n]*`)
	anyPort    = regexp.MustCompile(`\b(127\.0\.0\.1|localhost|example\.com|h):\d+\b`)
	logStamp   = regexp.MustCompile(`\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[(\w+)\] \d+#\d+: \*\d+ `)
	accessTime = regexp.MustCompile(`\[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]`)
	tempDir    = regexp.MustCompile(regexp.QuoteMeta(filepath.ToSlash(filepath.Clean(os.TempDir()))) + `/[^"\s,]*?/(html|body/)`)
	tempNumber = regexp.MustCompile(`<dir>/body/\d{10}`)
	heads      = regexp.MustCompile(`HTTP/1\.1 (\d{3})[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n`)
	lengthLine = regexp.MustCompile(`Content-Length: (\d+)`)
)

// normalizeText replaces what changes from run to run: ports, log dates,
// PIDs, connection numbers, the temporary directory and the number of a
// request body's temporary file there.
func normalizeText(s string) string {
	s = anyPort.ReplaceAllString(s, "$1:<port>")
	s = logStamp.ReplaceAllString(s, "<date> [$1] <pid>#<pid>: *<n> ")
	s = accessTime.ReplaceAllString(s, "[<date>]")
	s = tempDir.ReplaceAllString(s, "<dir>/$1")
	return tempNumber.ReplaceAllString(s, "<dir>/body/<n>")
}

// normalizeAnswer normalizes an answer, the server's name included: the
// token becomes <server>, and the Content-Length of each error page
// signed with it is made that of the page signed <server>.
func normalizeAnswer(b []byte, token string) string {
	s := retoken(string(b), token, "<server>")
	return normalizeText(dateHeader.ReplaceAllString(s, "Date: <date>"))
}

// accessStatus finds an access log line's status and body bytes.
var accessStatus = regexp.MustCompile(`" (\d{3}) (\d+) "`)

// retokenAccess makes the byte count of an error page signed from that
// of the page signed to.
func retokenAccess(line, from, to string) string {
	m := accessStatus.FindStringSubmatch(line)
	if m == nil {
		return line
	}
	code, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	// nginx counts a 100 Continue it sent first in $body_bytes_sent.
	for _, before := range []int{0, len("HTTP/1.1 100 Continue\r\n\r\n")} {
		for _, c := range []int{code, 494} {
			if page, ok := errorPage(c, from); ok && before+len(page) == n {
				other, _ := errorPage(c, to)
				return strings.Replace(line, m[0], fmt.Sprintf(`" %s %d "`, m[1], before+len(other)), 1)
			}
		}
	}
	return line
}

// retoken replaces the server's name from with to in an answer, fixing
// the length of the error pages that carry it.
func retoken(s, from, to string) string {
	s = heads.ReplaceAllStringFunc(s, func(h string) string {
		code, _ := strconv.Atoi(heads.FindStringSubmatch(h)[1])
		m := lengthLine.FindStringSubmatch(h)
		if m == nil {
			return h
		}
		n, _ := strconv.Atoi(m[1])
		for _, c := range []int{code, 494} {
			page, ok := errorPage(c, from)
			if ok && len(page) == n {
				other, _ := errorPage(c, to)
				return strings.Replace(h, m[0], "Content-Length: "+strconv.Itoa(len(other)), 1)
			}
		}
		return h
	})
	return strings.ReplaceAll(s, from, to)
}
