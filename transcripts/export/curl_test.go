package export

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

var curlCases = []struct {
	name, request string
	curl          bool
}{
	{"the talk's request", "GET / HTTP/1.0\r\n\r\n", true},
	{"1.1 with Host", "GET /a?b=c HTTP/1.1\r\nHost: localhost\r\n\r\n", true},
	{"headers in order", "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nAccept: */*\r\nUser-Agent: u\r\n\r\n", true},
	{"a path that climbs", "GET /../../etc/passwd HTTP/1.0\r\n\r\n", true},
	{"head", "HEAD / HTTP/1.0\r\n\r\n", true},
	{"delete", "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n", true},
	{"post with a body", "POST /form HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhi\r\n!", true},
	{"put without content type", "PUT /p HTTP/1.0\r\nX-B: 2\r\nContent-Length: 3\r\n\r\nabc", true},
	{"a quote in a header", "GET / HTTP/1.0\r\nX-Q: it's\r\n\r\n", true},
	{"0.9", "GET /\r\n", false},
	{"bare LF", "GET / HTTP/1.0\nHost: localhost\n\n", false},
	{"no empty line", "GET / HTTP/1.1\r\nHost: localhost\r\n", false},
	{"short body", "POST / HTTP/1.0\r\nContent-Length: 10\r\n\r\nabc", false},
	{"Host not first", "GET / HTTP/1.1\r\nX-A: 1\r\nHost: h\r\n\r\n", false},
	{"not HTTP", "HELLO, IS ANYBODY THERE?\r\n", false},
	{"odd bytes in a header", "BREW /pot HTTP/1.0\r\nX: \x01\xff%s\\\r\n\r\n", true},
	{"odd bytes before the request", "\x00\x01%\\GET / HTTP/1.0\r\n\r\n", false},
}

func TestCopyAsCurlClassifies(t *testing.T) {
	t.Parallel()
	for _, tt := range curlCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := CopyAsCurl([]byte(tt.request), "127.0.0.1:8000")
			if c.Curl != tt.curl {
				t.Fatalf("Curl = %v (%s), want %v: %s", c.Curl, c.Why, tt.curl, c.Line)
			}
			if !c.Curl && (c.Why == "" || !strings.HasPrefix(c.Line, "printf '") || !strings.HasSuffix(c.Line, "| nc 127.0.0.1 8000")) {
				t.Errorf("command %q, why %q", c.Line, c.Why)
			}
		})
	}
}

// TestCopyAsCurlSendsTheSameBytes runs every command for real: curl
// against a listener that records what it gets, and the printf part of the
// others through the shell, and compares the bytes with the request.
func TestCopyAsCurlSendsTheSameBytes(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (apt-get install curl)")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	if err := bashCurlReachesUs(); err != nil {
		t.Skipf("curl run by bash does not reach this process on 127.0.0.1 (a bash that is WSL's has a loopback of its own): %v", err)
	}
	for _, tt := range curlCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			c := CopyAsCurl([]byte(tt.request), ln.Addr().String())
			if !c.Curl {
				line, _, _ := strings.Cut(c.Line, " | nc ")
				got, err := exec.Command("bash", "-c", line).Output()
				if err != nil || string(got) != tt.request {
					t.Errorf("%s printed %q, %v; want %q", line, got, err, tt.request)
				}
				return
			}
			got := make(chan []byte, 1)
			go func() { got <- readRequest(ln, len(tt.request)) }()
			cmd := exec.Command("bash", "-c", c.Line+" -s -o /dev/null --max-time 3")
			out, err := cmd.CombinedOutput()
			if b := <-got; string(b) != tt.request {
				t.Errorf("%s\nsent %q, want %q (%v %s)", c.Line, b, tt.request, err, out)
			}
		})
	}
}

// bashCurlReachesUs reports whether curl, run by bash as the test runs
// it, reaches a listener of this process on loopback: nil when it does.
// On Windows the bash on the PATH may be WSL's, which runs in a virtual
// machine of its own.
func bashCurlReachesUs() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	const want = "GET / HTTP/1.1\r\n"
	got := make(chan []byte, 1)
	go func() { got <- readRequest(ln, len(want)) }()
	out, err := exec.Command("bash", "-c", "curl -s -o /dev/null --max-time 3 http://"+ln.Addr().String()+"/").CombinedOutput()
	ln.Close() // ends the wait for a connection that never came
	if b := <-got; !bytes.HasPrefix(b, []byte(want)) {
		return fmt.Errorf("no request came (curl: %v %s)", err, bytes.TrimSpace(out))
	}
	return nil
}

// readRequest accepts one connection, reads n bytes (or what comes in a
// second), answers and closes.
func readRequest(ln net.Listener, n int) []byte {
	conn, err := ln.Accept()
	if err != nil {
		return nil
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	var buf bytes.Buffer
	io.CopyN(&buf, conn, int64(n))
	more := make([]byte, 512)
	conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	k, _ := conn.Read(more)
	buf.Write(more[:k])
	conn.Write([]byte("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"))
	return buf.Bytes()
}
