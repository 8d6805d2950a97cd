package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ngw2f/ngw2f-lab/lessons/glossary"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
)

// TestUwsgiHop: the explain and diff views read a hop that carried a
// uwsgi packet as its variables, the headers of the hop before it
// carried under their environ names, not as an HTTP head.
func TestUwsgiHop(t *testing.T) {
	t.Parallel()
	packet, err := uwsgi.Append(nil, &uwsgi.Packet{Vars: []uwsgi.Var{
		{Key: "QUERY_STRING", Value: "a=1"}, {Key: "REQUEST_METHOD", Value: "GET"},
		{Key: "HTTP_HOST", Value: "localhost"}, {Key: "HTTP_ACCEPT_LANGUAGE", Value: "de"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	bytesHop := func(n int, from, to string, data []byte) trace.Hop {
		return trace.Hop{N: n, From: from, To: to, Dir: trace.Down, Kind: trace.KindBytes,
			Events: []trace.Event{{Kind: trace.KindBytes, Data: data}}}
	}
	hops := []trace.Hop{
		bytesHop(1, "client", "proxy", []byte("GET /?a=1 HTTP/1.1\r\nHost: localhost\r\nAccept-Language: de\r\nX-Gone: 1\r\n\r\n")),
		bytesHop(2, "proxy", "prefork", packet),
	}
	var names []string
	for _, tm := range hopTerms(hops[1]) {
		names = append(names, tm.name)
	}
	if got := strings.Join(names, ","); got != "QUERY_STRING,REQUEST_METHOD,HTTP_HOST,HTTP_ACCEPT_LANGUAGE" {
		t.Errorf("terms %s, want the packet's variables", got)
	}
	if got := history(hops, 1, term{kind: glossary.Environ, name: "HTTP_ACCEPT_LANGUAGE"}); got != "In this journey: set by client (hop 1)." {
		t.Errorf("history %q", got)
	}
	diff := ansi.Strip(strings.Join(diffLines(testStyles(), hops, 1, 80), "\n"))
	for _, want := range []string{"  Accept-Language: de  as HTTP_ACCEPT_LANGUAGE", "  Host: localhost  as HTTP_HOST", "- X-Gone: 1", "+ REQUEST_METHOD = GET"} {
		if !strings.Contains(diff, want) {
			t.Errorf("the diff lacks %q:\n%s", want, diff)
		}
	}
	if strings.Contains(diff, "- Accept-Language") {
		t.Errorf("the diff says Accept-Language was removed:\n%s", diff)
	}
}
