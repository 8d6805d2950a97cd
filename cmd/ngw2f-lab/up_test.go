package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/real"
)

func TestUpFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    upOptions
		wantErr bool
	}{
		{name: "whole stack", args: nil, want: upOptions{Listen: "127.0.0.1"}},
		{name: "a lesson, a port", args: []string{"2", "--port", "9090"}, want: upOptions{Arg: "2", Listen: "127.0.0.1", Port: 9090}},
		{name: "json and a config", args: []string{"--json", "--config", "x.conf"}, want: upOptions{Listen: "127.0.0.1", JSON: true, Config: "x.conf"}},
		{name: "free ports", args: []string{"--free-ports"}, want: upOptions{Listen: "127.0.0.1", freePorts: true}},
		{name: "real", args: []string{"3", "--real", "--gunicorn", "/venv/bin/gunicorn", "--uwsgi", "/venv/bin/uwsgi"},
			want: upOptions{Arg: "3", Listen: "127.0.0.1", Real: realFlags{On: true, Paths: real.Paths{Gunicorn: "/venv/bin/gunicorn", Uwsgi: "/venv/bin/uwsgi"}}}},
		{name: "two lessons", args: []string{"1", "2"}, wantErr: true},
		{name: "bad flag", args: []string{"--colour"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := flagsOf(newUpCmd, tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error: %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("options %+v, want %+v", got, tt.want)
			}
		})
	}
}

// syncBuffer is a buffer a command writes to while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits up to five seconds for re to match what b holds.
func waitFor(t *testing.T, b *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m
		}
	}
	t.Fatalf("no %s in:\n%s", re, b.String())
	return nil
}

// upAndAsk runs up with opts, sends raw to its front layer, waits for
// what until, stops it and returns what it printed.
func upAndAsk(t *testing.T, opts upOptions, raw string, until *regexp.Regexp) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, err := tryUp(t, opts, raw, until)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	return stdout, stderr
}

// tryUp is upAndAsk, which returns the error up ended with before its
// front layer listened.
func tryUp(t *testing.T, opts upOptions, raw string, until *regexp.Regexp) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	opts.Listen, opts.freePorts = "127.0.0.1", true
	go func() { done <- upRun(ctx, ioStreams{Out: &out, Err: &errb}, opts) }()
	where := &out
	if opts.JSON {
		where = &errb
	}
	front := regexp.MustCompile(`in front on (127\.0\.0\.1:\d+)`)
	var m []string
	for deadline := time.Now().Add(5 * time.Second); m == nil; time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			if err == nil {
				err = errors.New("up ended before its front layer listened")
			}
			return out.String(), errb.String(), err
		default:
		}
		if m = front.FindStringSubmatch(where.String()); m == nil && time.Now().After(deadline) {
			t.Fatalf("no %s in:\n%s", front, where.String())
		}
	}
	c, err := net.Dial("tcp", m[1])
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, raw)
	c.SetDeadline(time.Now().Add(3 * time.Second))
	io.ReadAll(c)
	c.Close()
	waitFor(t, &out, until)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("up: %v", err)
	}
	return out.String(), errb.String(), nil
}

// upOnFreePort runs upAndAsk with the options with makes for a port
// nothing listened on a moment ago, and again with another when up finds
// it taken, three times at most: the test must name the port, and
// another program may take it before up listens. It returns the port.
func upOnFreePort(t *testing.T, with func(port int) upOptions, raw string, until *regexp.Regexp) (port int, stdout, stderr string) {
	t.Helper()
	for try := 1; ; try++ {
		port = unusedPort(t)
		stdout, stderr, err := tryUp(t, with(port), raw, until)
		if err == nil {
			return port, stdout, stderr
		}
		// up words a busy port as stack.PortBusyError does.
		if !strings.Contains(err.Error(), "the port is already in use") || try == 3 {
			t.Fatalf("up on port %d: %v", port, err)
		}
	}
}

func TestUpPrintsJourneys(t *testing.T) {
	out, _ := upAndAsk(t, upOptions{Arg: "2"}, "GET / HTTP/1.0\r\n\r\n", regexp.MustCompile(`journey 1: client -> proxy -> rawsock`))
	for _, want := range []string{"> X-Forwarded-For: 127.0.0.1\\r\\n", "< Hello, World! (from a raw socket)\\n", "stopped proxy", "stopped rawsock"} {
		if !strings.Contains(out, want) {
			t.Errorf("up printed no %q:\n%s", want, out)
		}
	}
}

// TestUpFollowsTheWholeStack sends the talk's request through lesson 6's
// six layers: the journey up prints holds the pre-fork worker's hops,
// which reach the lab over a pipe, as well as the proxy's.
func TestUpFollowsTheWholeStack(t *testing.T) {
	var here *runner.Host
	if err := here.Live(mustLesson(t, 6)); err != nil {
		t.Skip(err)
	}
	until := regexp.MustCompile(`(?s)journey 1: client -> proxy -> prefork -> gateway -> toolkit -> framework .*proxy closes the connection`)
	out, _ := upAndAsk(t, upOptions{Arg: "6"}, "GET / HTTP/1.0\r\n\r\n", until)
	for _, want := range []string{
		"client -> proxy  18 bytes",
		"proxy -> prefork  93 bytes", // X-Forwarded-For twice, as the talk sets it
		"prefork -> gateway  environ",
		"gateway -> toolkit  Request(environ)",
		"toolkit -> framework  url_map.match()",
		"toolkit -> framework  view function",
		"toolkit <- framework  return value",
		"prefork <- gateway  start_response",
		"< Server: gunicorn (ngw2f-lab)\\r\\n",
		"prefork <- gateway  close",
		"proxy <- prefork  prefork closes the connection",
		"client <- proxy  195 bytes",
		"< Hello, World! (from Flask)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("up printed no %q:\n%s", want, out)
		}
	}
}

func TestUpPrintsJSON(t *testing.T) {
	out, _ := upAndAsk(t, upOptions{Arg: "1", JSON: true}, "GET / HTTP/1.0\r\n\r\n", regexp.MustCompile(`"kind":"close"`))
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e jsonEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not a JSON object: %q: %v", line, err)
		}
		kinds = append(kinds, e.Kind)
		if e.Kind == "bytes" && (e.Journey != 1 || e.From != "client" || e.To != "rawsock") {
			t.Errorf("bytes event %+v: want journey 1, client to rawsock", e)
		}
	}
	if got := strings.Join(kinds, " "); !strings.Contains(got, "open bytes") || !strings.Contains(got, "close") {
		t.Errorf("event kinds %q", got)
	}
}

func TestUpBusyPortSaysHowToPickAnother(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	for _, lesson := range []string{"2", "6"} {
		var out bytes.Buffer
		err = upRun(context.Background(), ioStreams{Out: &out, Err: io.Discard}, upOptions{Arg: lesson, Listen: "127.0.0.1", Port: port})
		if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), "--port") {
			t.Errorf("up %s: error %v, want the busy port and --port", lesson, err)
		}
		// The front's port is checked first: nothing starts only to stop.
		if strings.Contains(out.String(), "is listening") {
			t.Errorf("up %s started layers before it found the front's port busy:\n%s", lesson, out.String())
		}
	}
}

func TestUpConfigNeedsAProxy(t *testing.T) {
	t.Parallel()
	err := upRun(context.Background(), ioStreams{Out: io.Discard, Err: io.Discard}, upOptions{Arg: "1", Listen: "127.0.0.1", Config: "x.conf"})
	if err == nil || !strings.Contains(err.Error(), "has no proxy") {
		t.Errorf("error %v", err)
	}
}

// TestUpConfigObeysListen: an nginx.conf's listen says where the proxy
// listens, as it says to nginx; --port overrides it, and says so.
func TestUpConfigObeysListen(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "nginx.conf")
	port, out, _ := upOnFreePort(t, func(port int) upOptions {
		text := fmt.Sprintf("events {}\nhttp { server { listen %d; location / { return 200 \"mine\\n\"; } } }\n", port)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return upOptions{Arg: "2", Config: conf}
	}, "GET / HTTP/1.0\r\n\r\n", regexp.MustCompile(`< mine`))
	if want := fmt.Sprintf("in front on 127.0.0.1:%d", port); !strings.Contains(out, want) {
		t.Errorf("up did not listen where the file says (%s):\n%s", want, out)
	}

	otherPort, out, errs := upOnFreePort(t, func(port int) upOptions {
		return upOptions{Arg: "2", Config: conf, Port: port}
	}, "GET / HTTP/1.0\r\n\r\n", regexp.MustCompile(`< mine`))
	if want := fmt.Sprintf("in front on 127.0.0.1:%d", otherPort); !strings.Contains(out, want) {
		t.Errorf("--port did not win (%s):\n%s", want, out)
	}
	if want := fmt.Sprintf("--port %d overrides listen %d in %s", otherPort, port, conf); !strings.Contains(errs, want) {
		t.Errorf("up did not say %q:\n%s", want, errs)
	}
}

// terminal is standard output as a terminal takes it: each write costs
// a system call, a few tens of microseconds.
type terminal struct{ *syncBuffer }

func (t terminal) Write(p []byte) (int, error) {
	time.Sleep(50 * time.Microsecond)
	return t.syncBuffer.Write(p)
}

// upRunning runs up with opts on free ports, printing to a terminal,
// until the test calls the stop function it returns, which returns what
// up printed.
func upRunning(t *testing.T, opts upOptions) (out *syncBuffer, addr string, stop func() string) {
	t.Helper()
	out = &syncBuffer{}
	var errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opts.Listen, opts.freePorts = "127.0.0.1", true
	go func() { done <- upRun(ctx, ioStreams{Out: terminal{out}, Err: &errb}, opts) }()
	stopped := false
	stop = func() string {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("up: %v", err)
			}
		}
		return out.String()
	}
	t.Cleanup(func() { stop() })
	addr = waitFor(t, out, regexp.MustCompile(`in front on (127\.0\.0\.1:\d+)`))[1]
	return out, addr, stop
}

var journeyLine = regexp.MustCompile(`(?m)^    journey \d+: `)

// TestUpPrintsEveryJourneyUnderLoad sends 2,000 requests through lesson
// 2's proxy, 20 connections at a time: up prints a journey for each, or
// says how many events it could not keep up with. It lost a quarter of
// them at this load without a word, writing each line of a journey to
// the terminal on its own.
func TestUpPrintsEveryJourneyUnderLoad(t *testing.T) {
	out, addr, stop := upRunning(t, upOptions{Arg: "2"})
	const conc, each = 20, 100
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for range each {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Error(err)
					return
				}
				io.WriteString(c, "GET / HTTP/1.0\r\n\r\n")
				c.SetDeadline(time.Now().Add(5 * time.Second))
				io.ReadAll(c)
				c.Close()
			}
		})
	}
	wg.Wait()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if len(journeyLine.FindAllString(out.String(), -1)) >= conc*each {
			break
		}
	}
	printed := stop()
	n := len(journeyLine.FindAllString(printed, -1))
	fell := regexp.MustCompile(`up fell behind the layers: (\d+) events were dropped`).FindStringSubmatch(printed)
	switch {
	case n == conc*each:
	case fell != nil:
		t.Logf("%d journeys of %d printed, and up said why: %s", n, conc*each, fell[0])
	default:
		t.Errorf("%d journeys of %d printed, and not a word about the others", n, conc*each)
	}
}

// TestUpPrintsTheMastersLog kills a worker of lesson 3's pre-fork server
// while up runs, then stops up: the master's lines outside any journey
// (the death, the new worker, its shutdown) are printed as they come.
func TestUpPrintsTheMastersLog(t *testing.T) {
	var here *runner.Host
	if err := here.Live(mustLesson(t, 3)); err != nil {
		t.Skip(err)
	}
	out, _, stop := upRunning(t, upOptions{Arg: "3"})
	booted := regexp.MustCompile(`prefork logs: Booting worker with pid: (\d+)`)
	pid, _ := strconv.Atoi(waitFor(t, out, booted)[1])
	p, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	died := regexp.MustCompile(fmt.Sprintf(`(?s)prefork logs: Worker with pid %d was terminated due to signal 9\n.*prefork logs: Booting worker with pid: \d+\n`, pid))
	waitFor(t, out, died)
	if printed := stop(); !strings.Contains(printed, "    prefork logs: Shutting down: Master\n") {
		t.Errorf("no shutdown line in:\n%s", printed)
	}
}
