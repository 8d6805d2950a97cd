package cgi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/proctest"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// startWith starts a server with a short read timeout, recording into a
// subscription, and stops it when the test ends.
func startWith(t *testing.T, readTimeout time.Duration) (*Server, *trace.Subscription) {
	t.Helper()
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	s := New(stack.Config{Trace: rec})
	s.ReadTimeout = readTimeout
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); sub.Close() })
	return s, sub
}

// dial connects to s and closes the connection when the test ends.
func dial(t *testing.T, s *Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// waitFor reads sub until an event matches, and returns it.
func waitFor(t *testing.T, sub *trace.Subscription, what string, match func(trace.Event) bool) trace.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		evs, err := sub.Next(ctx, 0)
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		for _, e := range evs {
			if match(e) {
				return e
			}
		}
	}
}

func logged(re *regexp.Regexp) func(trace.Event) bool {
	return func(e trace.Event) bool { return e.Kind == trace.KindLog && re.Match(e.Data) }
}

// readAll reads c to its end, for at most d.
func readAll(t *testing.T, c net.Conn, d time.Duration) (string, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	b, err := io.ReadAll(c)
	return string(b), err
}

// TestStalledClient connects a client that sends nothing and holds it
// for a minute: another client is answered meanwhile, while the stalled
// one is still connected, which only a server that serves both at once
// can do (one at a time, the answer would wait out the minute).
func TestStalledClient(t *testing.T) {
	s, sub := startWith(t, time.Minute)
	stalled := dial(t, s)
	waitFor(t, sub, "the stalled client's connection", func(e trace.Event) bool { return e.Kind == trace.KindOpen })
	answered := make(chan string, 1)
	go func() {
		got, _ := capture.Exchange(t, s.Addr(), "GET /cgi-bin/hello HTTP/1.0\r\n\r\n", false)
		answered <- got
	}()
	select {
	case got := <-answered:
		if !strings.HasSuffix(got, "Hello, World! (from CGI)\n") {
			t.Errorf("the second client got %q", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no answer while another client stalls")
	}
	stalled.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := stalled.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the stalled client was let go before its read timeout: %v", err)
	}
}

// TestStalledClientDropped: a client that sends nothing is dropped, with
// no answer, after the read timeout, and the log says why.
func TestStalledClientDropped(t *testing.T) {
	s, sub := startWith(t, 300*time.Millisecond)
	stalled := dial(t, s)
	got, err := readAll(t, stalled, 10*time.Second)
	if err != nil || got != "" {
		t.Errorf("the stalled client read %q, %v; want a close with no answer", got, err)
	}
	waitFor(t, sub, "the log of the drop", logged(regexp.MustCompile(`^the client sent nothing for 300ms: connection closed$`)))
}

// TestBodyStreamsToTheScript sends half of a body and finds the script
// started and given the first piece before the rest is sent: the server
// does not wait for the whole body, nor hold it.
func TestBodyStreamsToTheScript(t *testing.T) {
	s, sub := startWith(t, 0)
	c := dial(t, s)
	const size = 3 * chunk
	fmt.Fprintf(c, "POST /cgi-bin/env HTTP/1.0\r\nContent-Length: %d\r\n\r\n", size)
	body := strings.Repeat("x", size)
	if _, err := io.WriteString(c, body[:size/2]); err != nil {
		t.Fatal(err)
	}
	e := waitFor(t, sub, "a piece of the body on the script's stdin", func(e trace.Event) bool {
		return e.Kind == trace.KindHandoff && e.Name == "stdin"
	})
	if len(e.Data) != chunk {
		t.Errorf("the first stdin hand-off carries %d bytes, want %d", len(e.Data), chunk)
	}
	if _, err := io.WriteString(c, body[size/2:]); err != nil {
		t.Fatal(err)
	}
	got, _ := readAll(t, c, 10*time.Second)
	want := fmt.Sprintf("read %d bytes of body, the first %d: %q\n", size, shownBody, body[:shownBody])
	if !strings.HasPrefix(got, "HTTP/1.0 200 OK\r\n") || !strings.HasSuffix(got, want) {
		t.Errorf("answer ends %q, want %q", got[max(0, len(got)-200):], want)
	}
}

// TestBodyIsNotHeld posts 32 MiB, with tracing off, to a script that
// reads it and to one that does not: the server allocates a small part of
// it, where reading the body whole allocated it all and more.
func TestBodyIsNotHeld(t *testing.T) {
	s := New(stack.Config{})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const size = 32 << 20
	piece := make([]byte, 64<<10)
	for _, script := range []string{"env", "hello"} {
		t.Run(script, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			c := dial(t, s)
			fmt.Fprintf(c, "POST /cgi-bin/%s HTTP/1.0\r\nContent-Length: %d\r\n\r\n", script, size)
			go func() { // the client writes while it reads, as curl does
				for range size / len(piece) {
					if _, err := c.Write(piece); err != nil {
						return
					}
				}
			}()
			got, err := readAll(t, c, 30*time.Second)
			runtime.ReadMemStats(&after)
			if err != nil || !strings.HasPrefix(got, "HTTP/1.0 200 OK\r\n") {
				t.Fatalf("answer %q, %v", got[:min(len(got), 200)], err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > size/4 {
				t.Errorf("the server allocated %d MiB for a %d MiB body", n>>20, size>>20)
			}
		})
	}
}

// TestStalledBody sends half a body and stops: the script is killed after
// the read timeout, and the client gets no answer.
func TestStalledBody(t *testing.T) {
	s, sub := startWith(t, 300*time.Millisecond)
	c := dial(t, s)
	fmt.Fprintf(c, "POST /cgi-bin/env HTTP/1.0\r\nContent-Length: 100\r\n\r\nhalf")
	e := waitFor(t, sub, "the script's start", logged(regexp.MustCompile(`^started /cgi-bin/env as pid \d+$`)))
	pid, _ := strconv.Atoi(strings.Fields(string(e.Data))[4])
	got, err := readAll(t, c, 5*time.Second)
	if err != nil || got != "" {
		t.Errorf("the client read %q, %v; want a close with no answer", got, err)
	}
	waitFor(t, sub, "the log of the stalled body", logged(regexp.MustCompile(`^the client sent nothing more of its body for 300ms: the script is killed$`)))
	if !proctest.WaitGone(pid, 2*time.Second) {
		t.Errorf("script pid %d still runs", pid)
	}
}

// envTestLab makes the test binary a lab that runs a CGI server and
// reports its address and its scripts' PIDs on standard output.
const envTestLab = "NGW2F_CGI_TEST_LAB"

// runTestLab is the lab process of TestScriptDiesWithTheLab. It never
// returns: the test kills it.
func runTestLab() {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	s := New(stack.Config{Trace: rec})
	if err := s.Start(context.Background()); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(s.Addr())
	for {
		evs, _ := sub.Next(context.Background(), 0)
		for _, e := range evs {
			if e.Kind == trace.KindLog {
				fmt.Printf("%s\n", e.Data)
			}
		}
	}
}

// TestScriptDiesWithTheLab runs a lab (this test binary) whose CGI server
// is running a script that would sleep 30 s, kills the lab with -9 (on
// Windows, TerminateProcess), and finds the script gone at once.
func TestScriptDiesWithTheLab(t *testing.T) {
	lab := exec.Command(os.Args[0], "-test.run=^$")
	lab.Env = append(os.Environ(), envTestLab+"=1")
	out, err := lab.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	lab.Stderr = os.Stderr
	if err := lab.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { lab.Process.Kill(); lab.Wait() }()
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatal("the lab said nothing")
	}
	c, err := net.Dial("tcp", lines.Text())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /cgi-bin/slow?seconds=30 HTTP/1.0\r\n\r\n")
	pid := 0
	for pid == 0 && lines.Scan() {
		if m := startedSlow.FindStringSubmatch(lines.Text()); m != nil {
			pid, _ = strconv.Atoi(m[1])
		}
	}
	if pid == 0 || !proctest.Running(pid) {
		t.Fatalf("the script did not start (pid %d)", pid)
	}
	if err := lab.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if !proctest.WaitGone(pid, 2*time.Second) {
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
		t.Fatalf("script pid %d still runs 2 s after its lab was killed", pid)
	}
	t.Logf("the script was gone %s after its lab was killed", time.Since(start).Round(time.Millisecond))
}

// big answers with as many bytes as ?bytes=N says: an answer longer than
// the server holds.
func big(lookup func(string) (string, bool), _ io.Reader, out io.Writer) int {
	query, _ := lookup("QUERY_STRING")
	n, _ := strconv.Atoi(strings.TrimPrefix(query, "bytes="))
	fmt.Fprint(out, "Content-Type: text/plain\n\n")
	io.CopyN(out, zeros{}, int64(n))
	return 0
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

// TestLongAnswerStreams asks for an answer of 1 MiB: its head and first
// bytes go out before the script is done, in hand-offs of at most 64 KiB,
// of which the trace keeps the first 64 KiB in all.
func TestLongAnswerStreams(t *testing.T) {
	s, sub := startWith(t, 0)
	const size = 1 << 20
	got := capture.RoundTrip(t, s.Addr(), fmt.Sprintf("GET /cgi-bin/big?bytes=%d HTTP/1.0\r\n\r\n", size))
	head, body, _ := strings.Cut(got, "\r\n\r\n")
	if !strings.HasPrefix(head, "HTTP/1.0 200 OK\r\n") || body != strings.Repeat("0", size) {
		t.Fatalf("answer head %q and %d bytes of body, want 200 and %d", head, len(body), size)
	}
	var stdout, kept, pieces int
	for _, e := range sub.TryNext(0) {
		if e.Kind == trace.KindHandoff && e.Name == "stdout" {
			if len(e.Data)+int(e.Omitted) > chunk {
				t.Errorf("a stdout hand-off carries %d bytes", len(e.Data)+int(e.Omitted))
			}
			stdout += len(e.Data) + int(e.Omitted)
			kept += len(e.Data)
			pieces++
		}
	}
	if want := len("Content-Type: text/plain\n\n") + size; stdout != want || pieces < size/chunk {
		t.Errorf("stdout hand-offs carry %d bytes in %d pieces, want %d in %d or more", stdout, pieces, want, size/chunk)
	}
	// The trace keeps the first bytes of the stream and counts the rest,
	// as it does a hop's bytes.
	if kept != trace.MaxHopBytes {
		t.Errorf("the trace kept %d bytes of stdout, want the first %d", kept, trace.MaxHopBytes)
	}
}
