package challenge

import (
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// journey builds a journey of a request through layers: the client's
// request read by each layer in turn, the answer written by the last
// layer that answers (origin) and passed back up.
func journey(request, answer string, origin string, layers ...string) *trace.Journey {
	j := &trace.Journey{ID: 1}
	conn := trace.ConnID{PID: 1, N: 1}
	from := trace.ClientName
	for _, l := range layers {
		j.Events = append(j.Events, trace.Event{Kind: trace.KindBytes, Layer: l, From: from, To: l, Dir: trace.Down, Conn: conn, Data: []byte(request)})
		if l == origin {
			break
		}
		from = l
	}
	for i := len(layers) - 1; i >= 0; i-- {
		if answer == "" {
			break
		}
		l := layers[i]
		if idx := indexOf(layers, origin); i > idx {
			continue
		}
		from := trace.ClientName
		if i > 0 {
			from = layers[i-1]
		}
		j.Events = append(j.Events, trace.Event{Kind: trace.KindBytes, Layer: l, From: from, To: l, Dir: trace.Up, Conn: conn, Data: []byte(answer)})
	}
	return j
}

func indexOf(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return -1
}

const (
	ok200 = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
	bad   = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
	no405 = "HTTP/1.1 405 METHOD NOT ALLOWED\r\nContent-Length: 0\r\n\r\n"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	j := journey("GET / HTTP/1.1\r\nHost: x\r\n\r\n", bad, "proxy", "proxy", "app")
	j.Events = append(j.Events, trace.Event{Kind: trace.KindLog, Layer: "proxy", Name: "error", Data: []byte("client sent invalid header line\n")})
	s := Summarize(j)
	if s.Origin != "proxy" || s.Status != 400 || s.Reason != "Bad Request" || !s.Answered || s.Reached("app") {
		t.Errorf("summary %+v", s)
	}
	if got := Verdict(s); got != "refused by proxy: 400 Bad Request (client sent invalid header line)" {
		t.Errorf("verdict %q", got)
	}
}

func TestLogReason(t *testing.T) {
	t.Parallel()
	line := `2026/11/23 11:26:08 [info] 32018#32018: *8 client sent HTTP/1.1 request without "Host" header while reading client request headers, client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1"`
	want := `client sent HTTP/1.1 request without "Host" header while reading client request headers`
	if got := logReason(line); got != want {
		t.Errorf("logReason = %q, want %q", got, want)
	}
	if got := logReason("worker timeout\n"); got != "worker timeout" {
		t.Errorf("a plain line became %q", got)
	}
}

func TestPageReason(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, page, want string }{
		{"gunicorn's", "HTTP/1.1 400 Bad Request\r\n\r\n<html><body><h1><p>Bad Request</p></h1>\n  Invalid HTTP Version &#x27;x&#x27;\n</body></html>", "Invalid HTTP Version 'x'"},
		{"nginx's", "<html><body><center><h1>400 Bad Request</h1></center><hr><center>nginx/1.22.1</center></body></html>", ""},
		{"no page", "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := pageReason([]byte(tt.page)); got != tt.want {
				t.Errorf("pageReason = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVerdict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		j    *trace.Journey
		want string
	}{
		{"accepted", journey("GET / HTTP/1.0\r\n\r\n", ok200, "app", "proxy", "app"), "nobody refused it: app answered 200 OK"},
		{"refused, why from the reader", journey("GET / HTTP/1.0\r\nHost\x01: x\r\n\r\n", bad, "proxy", "proxy", "app"),
			`refused by proxy: 400 Bad Request (client sent invalid header line: "Host\x01...")`},
		{"still waiting", journey("GET / HTTP/1.0\r\n", "", "proxy", "proxy"), "no answer yet: proxy is still waiting for the rest of the request"},
		{"0.9 answer", withClose(journey("GET /\r\n", "hello", "proxy", "proxy")), "proxy answered without a status line, as to an HTTP/0.9 request"},
		{"closed without answer", withClose(journey("GET / HTTP/1.0\r\n\r\n", "", "proxy", "proxy")), "proxy closed the connection without answering"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Verdict(Summarize(tt.j)); got != tt.want {
				t.Errorf("Verdict = %q, want %q", got, tt.want)
			}
		})
	}
}

func withClose(j *trace.Journey) *trace.Journey {
	j.Events = append(j.Events, trace.Event{Kind: trace.KindClose, Layer: j.Events[0].Layer, Conn: j.Events[0].Conn})
	return j
}

func TestCheck(t *testing.T) {
	t.Parallel()
	withEnv := journey("GET / HTTP/1.0\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n", ok200, "app", "proxy", "app")
	withEnv.Events = append(withEnv.Events, trace.Event{Kind: trace.KindHandoff, Name: "environ", From: "proxy", To: "app", Dir: trace.Down,
		Fields: []trace.Field{{Key: "HTTP_X_FORWARDED_FOR", Value: "1.2.3.4, 127.0.0.1"}}})
	plain := journey("GET / HTTP/1.0\r\n\r\n", ok200, "app", "proxy", "app")
	static := journey("GET /static/ HTTP/1.0\r\n\r\n", ok200, "proxy", "proxy", "app")
	tests := []struct {
		check string
		j     *trace.Journey
		want  bool
	}{
		{"status 200", plain, true},
		{"status 404", plain, false},
		{"origin app", plain, true},
		{"origin proxy", static, true},
		{"origin none", journey("GET / HTTP/1.0\r\n", "", "proxy", "proxy"), true},
		{"reached app", plain, true},
		{"reached app", static, false},
		{"not reached app", static, true},
		{"not not reached app", static, false},
		{"answered", plain, true},
		{"answered", journey("GET / HTTP/1.0\r\n", "", "proxy", "proxy"), false},
		{`request proxy ~ ^GET /static/`, static, true},
		{`request proxy ~ ^GET /static/`, plain, false},
		{`request proxy ~ \r\n\r\n$`, plain, true},
		{`response app ~ Content-Length: 2`, plain, true},
		{"read proxy >= 18", plain, true},
		{"read proxy < 18", plain, false},
		{"read proxy = 18", plain, true},
		{"read proxy != 18", plain, false},
		{"handoff environ HTTP_X_FORWARDED_FOR ~ ,", withEnv, true},
		{"handoff environ HTTP_X_FORWARDED_FOR ~ ,", plain, false},
		{"handoff environ REMOTE_ADDR ~ .", withEnv, false},
	}
	for _, tt := range tests {
		t.Run(tt.check, func(t *testing.T) {
			t.Parallel()
			c, err := Compile(tt.check)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Holds(Summarize(tt.j)); got != tt.want {
				t.Errorf("Holds = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, check, want string }{
		{"unknown", "colour red", `unknown check "colour"`},
		{"status word", "status OK", "three-digit"},
		{"origin arity", "origin", "usage: origin LAYER"},
		{"no tilde", "request proxy GET", "usage: request LAYER ~ REGEXP"},
		{"bad regexp", "request proxy ~ (", "missing closing )"},
		{"bad op", "read proxy ~ 3", "one of = != < <= > >="},
		{"bad count", "read proxy > x", "byte count"},
		{"handoff arity", "handoff environ ~ x", "usage: handoff NAME KEY ~ REGEXP"},
		{"inside not", "not status x", "three-digit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compile(tt.check)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Compile(%q) = %v, want an error containing %q", tt.check, err, tt.want)
			}
		})
	}
}

func TestChallenge(t *testing.T) {
	t.Parallel()
	c, err := New(lessons.Challenge{ID: "405", Goal: "Get a 405 from the framework.",
		Checks: []string{"status 405", "origin app"}, Hints: []string{"Try POST."}})
	if err != nil {
		t.Fatal(err)
	}
	solving := journey("POST / HTTP/1.0\r\n\r\n", no405, "app", "proxy", "app")
	notSolving := journey("GET / HTTP/1.0\r\n\r\n", ok200, "app", "proxy", "app")
	unfinished := journey("POST / HTTP/1.0\r\n\r\n", no405[:20], "app", "proxy", "app")
	if !c.SolvedBy(Summarize(solving)) || c.SolvedBy(Summarize(notSolving)) || c.SolvedBy(Summarize(unfinished)) {
		t.Error("SolvedBy wrong")
	}
	if got := c.Met(Summarize(notSolving)); got != 1 {
		t.Errorf("Met = %d, want 1 (origin app)", got)
	}
	if j := c.Solve([]*trace.Journey{notSolving, solving}); j != solving {
		t.Error("Solve did not find the solving journey")
	}
	if h, ok := c.Hint(0); !ok || h != "Try POST." {
		t.Errorf("Hint(0) = %q, %v", h, ok)
	}
	if _, ok := c.Hint(1); ok {
		t.Error("Hint(1) exists")
	}
	_, err = CompileLesson(&lessons.Lesson{Source: "x.md", Challenges: []lessons.Challenge{{ID: "a", Line: 7, Checks: []string{"nope"}}}})
	if err == nil || !strings.HasPrefix(err.Error(), "x.md:7: ") {
		t.Errorf("CompileLesson error %v, want x.md:7", err)
	}
}
