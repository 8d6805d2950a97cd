package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"regexp"
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
	addr := waitFor(t, where, regexp.MustCompile(`in front on (127\.0\.0\.1:\d+)`))[1]
	c, err := net.Dial("tcp", addr)
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
	return out.String(), errb.String()
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
		"proxy -> prefork  65 bytes",
		"prefork -> gateway  environ",
		"gateway -> toolkit  Request(environ)",
		"toolkit -> framework  url_map.match()",
		"toolkit -> framework  view function",
		"toolkit <- framework  return value",
		"prefork <- gateway  start_response",
		"< Server: gunicorn (ngw2f-lab)\\r\\n",
		"prefork <- gateway  close",
		"proxy <- prefork  prefork closes the connection",
		"client <- proxy  184 bytes",
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
	err = upRun(context.Background(), ioStreams{Out: io.Discard, Err: io.Discard}, upOptions{Arg: "2", Listen: "127.0.0.1", Port: port})
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), "--port") {
		t.Errorf("error %v, want the busy port and --port", err)
	}
}

func TestUpConfigNeedsAProxy(t *testing.T) {
	t.Parallel()
	err := upRun(context.Background(), ioStreams{Out: io.Discard, Err: io.Discard}, upOptions{Arg: "1", Listen: "127.0.0.1", Config: "x.conf"})
	if err == nil || !strings.Contains(err.Error(), "has no proxy") {
		t.Errorf("error %v", err)
	}
}
