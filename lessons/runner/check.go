package runner

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// check tells whether an expectation holds for the last exchange, and
// reports it.
func (r *Runner) check(e lessons.Expectation) {
	ok, got := r.verdict(e)
	text := e.String()
	if !ok {
		text += " (got: " + got + ")"
		r.failed++
	}
	r.checked++
	r.out(Output{Kind: OutCheck, OK: ok, Text: text})
}

// verdict returns whether e holds and, when it does not, what was seen.
func (r *Runner) verdict(e lessons.Expectation) (bool, string) {
	x := r.exchange
	if x == nil {
		return false, "no request was sent"
	}
	switch e.What {
	case "status":
		code := statusOf(x.received)
		return code == e.Status, statusWords(code)
	case "closed":
		return x.ended && x.endErr == nil, endWords(x)
	case "reset":
		return x.ended && x.endErr != nil, endWords(x)
	case "open":
		return !x.ended, endWords(x)
	case "body":
		return bytes.Contains(x.received, []byte(e.Text)), fmt.Sprintf("%d bytes without it", len(x.received))
	case "read":
		n := layerRead(x.journeys, e.Layer)
		return n == e.N, fmt.Sprintf("%d bytes", n)
	}
	return false, "an unknown expectation"
}

// statusOf returns the status code of an answer, or 0 when it has no
// status line.
func statusOf(answer []byte) int {
	resp, err := http1.NewReader(bytes.NewReader(answer), http1.NginxLimits()).ReadResponse("GET")
	if err != nil {
		return 0
	}
	return resp.Status
}

func statusWords(code int) string {
	if code == 0 {
		return "no status line"
	}
	return fmt.Sprint(code)
}

func endWords(x *exchange) string {
	switch {
	case !x.ended:
		return "the connection is still open"
	case x.endErr != nil:
		return "the server reset the connection"
	}
	return "the server closed the connection"
}

// AnnouncesClose reports whether an answer says the server closes the
// connection after it: a Connection: close header.
func AnnouncesClose(answer []byte) bool {
	resp, err := http1.NewReader(bytes.NewReader(answer), http1.NginxLimits()).ReadResponse("GET")
	return err == nil && strings.EqualFold(strings.TrimSpace(resp.Headers.Get("Connection")), "close")
}
