package challenge_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// attempts are, for every challenge the lab ships, a request that solves
// it and one that does not, both sent for real to the layer the lesson's
// try prompt opens on.
var attempts = map[string]struct{ solves, fails string }{
	"answer-without-blank-line": {"GET / HTTP/1.0\r\n", "GET / HTTP/1.0\r\n\r\n"},
	"not-http":                  {"HELLO, IS ANYBODY THERE?\r\n", "GET / HTTP/1.0\r\n\r\n"},
	"fill-the-read":             {"GET / HTTP/1.0\r\nX-Pad: " + strings.Repeat("a", 1500) + "\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"},

	"nginx-answers-alone": {"GET /static/ HTTP/1.0\r\n\r\n", "GET /static/index.html HTTP/1.0\r\n\r\n"},
	"nginx-refuses":       {"GET /static/ HTTP/1.1\r\n\r\n", "GET /static/index.html HTTP/1.0\r\n\r\n"},
	"gateway-gone":        {"GET / HTTP/1.0\r\n\r\n", "GET /static/index.html HTTP/1.0\r\n\r\n"},

	"gunicorn-refuses":       {"HELLO, IS ANYBODY THERE?\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"},
	"your-header-in-environ": {"GET / HTTP/1.0\r\nX-Lab: hello\r\n\r\n", "GET / HTTP/1.0\r\nX-Other: hello\r\n\r\n"},
	"app-answers":            {"GET / HTTP/1.0\r\n\r\n", "HELLO, IS ANYBODY THERE?\r\n\r\n"},

	"query-in-environ": {"GET /?q=1 HTTP/1.0\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"},
	"body-in-environ":  {"POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi", "GET / HTTP/1.0\r\n\r\n"},
	"path-in-environ":  {"GET /x HTTP/1.0\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"},
	"forwarded-for":    {"GET / HTTP/1.0\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n", "GET / HTTP/1.0\r\nForwarded: for=203.0.113.9\r\n\r\n"},

	"map-refuses-method": {"DELETE /user/1 HTTP/1.0\r\n\r\n", "GET /user/1 HTTP/1.0\r\n\r\n"},
	"slash-in-a-value":   {"GET /files/a/b HTTP/1.0\r\n\r\n", "GET /hello/World HTTP/1.0\r\n\r\n"},
	"devserver-refuses":  {"GET / HTTP/2.0\r\n\r\n", "GET /missing HTTP/1.0\r\n\r\n"},

	"framework-405":             {"POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n", "POST /static/index.html HTTP/1.0\r\nContent-Length: 0\r\n\r\n"},
	"gunicorn-400-behind-nginx": {"GET /" + strings.Repeat("a", 5000) + " HTTP/1.0\r\n\r\n", "GET / HTTP/1.1\r\n\r\n"},
	"flask-answers-options":     {"OPTIONS / HTTP/1.0\r\n\r\n", "POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n"},
}

// TestMain lets the test binary serve as a pre-fork worker, as the lab's
// binary does: the lessons' stacks start worker processes.
func TestMain(m *testing.M) {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	goleak.VerifyTestMain(m)
}

func TestShippedChallenges(t *testing.T) {
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		if l.Planned || len(l.Challenges) == 0 {
			continue
		}
		t.Run(l.ID(), func(t *testing.T) {
			cs, err := challenge.CompileLesson(l)
			if err != nil {
				t.Fatal(err)
			}
			r, front := runToTry(t, l)
			sub := r.Recorder().Subscribe()
			defer sub.Close()
			asm := trace.NewAssembler(0)
			for _, c := range cs {
				a, ok := attempts[c.ID]
				if !ok {
					t.Errorf("challenge %s has no attempts in this test: add a request that solves it and one that does not", c.ID)
					continue
				}
				if got := solves(t, c, front, a.solves, sub, asm); !got {
					t.Errorf("challenge %s: %s does not solve it", c.ID, short(a.solves))
				}
				if got := solves(t, c, front, a.fails, sub, asm); got {
					t.Errorf("challenge %s: %s solves it", c.ID, short(a.fails))
				}
			}
		})
	}
}

// runToTry runs every step of l up to the last try, and returns the
// runner and the address of the layer the try is on.
func runToTry(t *testing.T, l *lessons.Lesson) (*runner.Runner, string) {
	t.Helper()
	r, err := runner.New(l, runner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if err := r.Live(); err != nil {
		t.Skip(err) // a lesson that plays its recorded run has no layer to send attempts to
	}
	last, layer := -1, ""
	for i, s := range l.Steps {
		for _, a := range s.Actions() {
			if a.Verb == lessons.Try {
				last, layer = i, a.Args[0]
			}
		}
	}
	if last < 0 {
		t.Fatalf("lesson %d has challenges but no try step to solve them at", l.Number)
	}
	for i := 0; i <= last; i++ {
		if err := r.RunStep(context.Background(), i); err != nil {
			t.Fatal(err)
		}
	}
	return r, r.Stack().Get(layer).Addr().String()
}

// short quotes a request for a message, cut to 80 characters.
func short(request string) string {
	q := fmt.Sprintf("%q", request)
	if len(q) > 80 {
		q = q[:77] + "..."
	}
	return q
}

// solves sends request to addr, waits for its journey to be over and
// settled, as the TUI does, and reports whether it solves c.
func solves(t *testing.T, c *challenge.Challenge, addr, request string, sub *trace.Subscription, asm *trace.Assembler) bool {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	local := conn.LocalAddr().String()
	conn.Write([]byte(request))
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, conn)
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range sub.TryNext(0) {
			asm.Add(e)
		}
		for _, j := range asm.Journeys() {
			if s := challenge.Summarize(j); from(j) == local && s.Answered && s.Settled {
				return c.SolvedBy(s)
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no finished and settled journey from %s", local)
	return false
}

// from returns the client address a journey started from.
func from(j *trace.Journey) string {
	for _, e := range j.Events {
		if e.Kind == trace.KindOpen {
			return e.Remote
		}
	}
	return ""
}
