package compare

import (
	"slices"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// ev is one event of a journey made up for a test.
func ev(from, to string, dir trace.Dir, kind trace.Kind, name, data string, fields ...trace.Field) trace.Event {
	return trace.Event{From: from, To: to, Dir: dir, Kind: kind, Name: name, Data: []byte(data), Fields: fields}
}

func journey(events ...trace.Event) *trace.Journey {
	for i := range events {
		events[i].Seq = uint64(i + 1)
	}
	return &trace.Journey{ID: 1, Events: events}
}

const request = "GET / HTTP/1.0\r\n\r\n"

// answer is nginx's answer to the talk's request, with the given Server
// and Date.
func answer(server, date string) string {
	return "HTTP/1.1 200 OK\r\nServer: " + server + "\r\nDate: " + date + "\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nhi\n"
}

func TestCompareJourneys(t *testing.T) {
	t.Parallel()
	down := func(data string) trace.Event { return ev("client", "proxy", trace.Down, trace.KindBytes, "", data) }
	up := func(data string) trace.Event { return ev("client", "proxy", trace.Up, trace.KindBytes, "", data) }
	closes := ev("client", "proxy", trace.Up, trace.KindClose, "", "")
	eof := ev("client", "proxy", trace.Down, trace.KindEOF, "", "")
	for _, tt := range []struct {
		name       string
		lab, real  *trace.Journey
		verdicts   []Verdict
		normalised []string // of the answer's row
		diff       string   // in the answer's row
	}{
		{
			name:     "byte for byte",
			lab:      journey(down(request), up(answer("nginx/1.22.1", "Sun, 06 Dec 2026 00:00:00 GMT")), closes),
			real:     journey(down(request), up(answer("nginx/1.22.1", "Sun, 06 Dec 2026 00:00:00 GMT")), closes),
			verdicts: []Verdict{Same, Same, Same},
		},
		{
			name:       "Server and Date differ by nature",
			lab:        journey(down(request), up(answer("ngw2f-lab/dev", "Sun, 06 Dec 2026 00:00:00 GMT")), closes),
			real:       journey(down(request), up(answer("nginx/1.22.1", "Mon, 07 Dec 2026 10:00:00 GMT")), closes),
			verdicts:   []Verdict{Same, Normalised, Same},
			normalised: []string{"Server's product token", "Date"},
		},
		{
			name:     "a header out of order",
			lab:      journey(down(request), up("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n"), closes),
			real:     journey(down(request), up("HTTP/1.1 200 OK\r\nB: 2\r\nA: 1\r\n\r\n"), closes),
			verdicts: []Verdict{Same, Differs, Same},
			diff:     "header names, in order and case: the lab's A, B; the real B, A",
		},
		{
			name:     "another status",
			lab:      journey(down(request), up("HTTP/1.1 200 OK\r\n\r\n"), closes),
			real:     journey(down(request), up("HTTP/1.1 404 Not Found\r\n\r\n"), closes),
			verdicts: []Verdict{Same, Differs, Same},
			diff:     `first line: the lab's "HTTP/1.1 200 OK", the real "HTTP/1.1 404 Not Found"`,
		},
		{
			name:       "the Server token in an error page",
			lab:        journey(down(request), up("HTTP/1.1 404 Not Found\r\nServer: ngw2f-lab/dev\r\nContent-Length: 34\r\n\r\n<hr><center>ngw2f-lab/dev</center>"), closes),
			real:       journey(down(request), up("HTTP/1.1 404 Not Found\r\nServer: nginx/1.22.1\r\nContent-Length: 33\r\n\r\n<hr><center>nginx/1.22.1</center>"), closes),
			verdicts:   []Verdict{Same, Normalised, Same},
			normalised: []string{"Server's product token in the body", "Server's product token", "Content-Length, which counts the Server token in the body"},
		},
		{
			name:     "who closes first",
			lab:      journey(down(request), up("HTTP/1.1 200 OK\r\n\r\n"), closes),
			real:     journey(down(request), up("HTTP/1.1 200 OK\r\n\r\n"), eof, closes),
			verdicts: []Verdict{Same, Same, Normalised},
		},
		{
			name: "the lab's hops past the gateway",
			lab: journey(down(request),
				ev("prefork", "gateway", trace.Down, trace.KindHandoff, "environ", "", trace.Field{Key: "SERVER_PORT", Value: "8000"}, trace.Field{Key: "wsgi.input", Value: "<Body>"}),
				ev("gateway", "toolkit", trace.Down, trace.KindHandoff, "Request(environ)", ""),
				ev("prefork", "gateway", trace.Up, trace.KindHandoff, "chunk", "h"),
				ev("prefork", "gateway", trace.Up, trace.KindHandoff, "chunk", "i")),
			real: journey(down(request),
				ev("prefork", "gateway", trace.Down, trace.KindHandoff, "environ", "", trace.Field{Key: "SERVER_PORT", Value: "41234"}, trace.Field{Key: "wsgi.input", Value: "<wsgi.input>"}),
				ev("prefork", "gateway", trace.Up, trace.KindHandoff, "chunk", "hi")),
			verdicts: []Verdict{Same, Normalised, LabOnly, Same},
		},
		{
			name:     "an environ key the real one lacks",
			lab:      journey(ev("prefork", "gateway", trace.Down, trace.KindHandoff, "environ", "", trace.Field{Key: "A", Value: "1"}, trace.Field{Key: "B", Value: "2"})),
			real:     journey(ev("prefork", "gateway", trace.Down, trace.KindHandoff, "environ", "", trace.Field{Key: "A", Value: "1"})),
			verdicts: []Verdict{Differs},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows := compareJourneys(tt.lab, tt.real)
			var got []Verdict
			for _, r := range rows {
				got = append(got, r.Verdict)
			}
			if !slices.Equal(got, tt.verdicts) {
				for _, r := range rows {
					t.Logf("%s: %s %v %v", r.Hop, r.Verdict, r.Normalised, r.Diffs)
				}
				t.Fatalf("verdicts %v, want %v", got, tt.verdicts)
			}
			if tt.normalised != nil && !slices.Equal(rows[1].Normalised, tt.normalised) {
				t.Errorf("normalised %q, want %q", rows[1].Normalised, tt.normalised)
			}
			if tt.diff != "" && !slices.Contains(rows[1].Diffs, tt.diff) {
				t.Errorf("diffs %q, want %q among them", rows[1].Diffs, tt.diff)
			}
		})
	}
}

// TestPairJourneys pairs the journeys of a step by their first request,
// and leaves a journey only one side made on its own.
func TestPairJourneys(t *testing.T) {
	t.Parallel()
	j := func(req string) *trace.Journey {
		return journey(ev("client", "proxy", trace.Down, trace.KindBytes, "", req))
	}
	a, b, c := "GET /a HTTP/1.0\r\n\r\n", "GET /b HTTP/1.0\r\n\r\n", "GET /c HTTP/1.0\r\n\r\n"
	pairs := pairJourneys(0, []*trace.Journey{j(a), j(b), j(c)}, []*trace.Journey{j(a), j(c)})
	var got []string
	for _, p := range pairs {
		got = append(got, p.Request+" "+map[bool]string{true: "both", false: "one"}[p.Lab != nil && p.Real != nil])
	}
	want := []string{"GET /a HTTP/1.0 both", "GET /b HTTP/1.0 one", "GET /c HTTP/1.0 both"}
	if !slices.Equal(got, want) {
		t.Errorf("pairs %q, want %q", got, want)
	}
}

// TestWriteShowsBothSidesOfADifference prints a differing hop with its
// verdict, what differs, and both sides' bytes spelled out.
func TestWriteShowsBothSidesOfADifference(t *testing.T) {
	t.Parallel()
	row := comparePart(
		&part{title: "client <- proxy  answer", kind: trace.KindBytes, dir: trace.Up, data: []byte("HTTP/1.1 200 OK\r\nA: 1\r\n\r\n")},
		&part{title: "client <- proxy  answer", kind: trace.KindBytes, dir: trace.Up, data: []byte("HTTP/1.1 200 OK\r\nA: 2\r\n\r\n")}, "GET")
	var b strings.Builder
	writeRow(&b, 1, row)
	for _, want := range []string{"DIFFERS", `A: the lab's "1", the real "2"`, `lab | A: 1\r\n`, `real| A: 2\r\n`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in:\n%s", want, b.String())
		}
	}
}
