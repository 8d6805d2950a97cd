package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ngw2f/ngw2f-lab/lessons/glossary"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// explain shows how the lab's HTTP reader takes the last request or answer
// apart.
func (r *Runner) explain(what string) error {
	if r.exchange == nil {
		return fmt.Errorf("explain %s: nothing was sent yet", what)
	}
	var lines []string
	switch what {
	case "request":
		lines = explainRequest(r.exchange.sent)
	case "environ":
		lines = explainEnviron(r.exchange.journeys)
	case "packet":
		lines = explainPacket(r.exchange.journeys)
	default:
		lines = explainResponse(r.exchange.sent, r.exchange.received)
	}
	for _, l := range lines {
		r.out(Output{Kind: OutExplain, Text: l})
	}
	return nil
}

// explainRequest describes a request the way a server reads it.
func explainRequest(raw []byte) []string {
	req, err := http1.NewReader(bytes.NewReader(raw), http1.NginxLimits()).ReadRequest()
	if err != nil {
		return rejected("request", err)
	}
	out := []string{"the lab's HTTP reader reads this request as:"}
	if req.Proto == "" {
		out = append(out,
			fmt.Sprintf("  method   %s", req.Method),
			fmt.Sprintf("  target   %s", req.Target),
			"  version  none: an HTTP/0.9 simple request, which has no headers")
	} else {
		out = append(out,
			fmt.Sprintf("  method   %s", req.Method),
			fmt.Sprintf("  target   %s", req.Target),
			fmt.Sprintf("  version  %s", req.Proto))
	}
	out = append(out, headerLines(req.Headers)...)
	out = append(out, fmt.Sprintf("  the head ends after %d bytes, at the empty line", req.HeadSize))
	switch {
	case req.Chunked:
		out = append(out, "  a body follows in chunks (Transfer-Encoding: chunked)")
	case req.ContentLength > 0:
		out = append(out, fmt.Sprintf("  a body of %d bytes follows (Content-Length)", req.ContentLength))
	default:
		out = append(out, "  no body: no Content-Length and no Transfer-Encoding")
	}
	if req.KeepAlive() {
		out = append(out, "  the connection may carry another request afterwards (keep-alive)")
	} else {
		out = append(out, "  the connection is done after the answer (no keep-alive)")
	}
	return out
}

// explainResponse describes an answer the way a client reads it.
func explainResponse(request, raw []byte) []string {
	method, _ := http1.RequestMethod(request)
	resp, err := http1.NewReader(bytes.NewReader(raw), http1.NginxLimits()).ReadResponse(method)
	if err != nil {
		return rejected("answer", err)
	}
	out := []string{
		"the lab's HTTP reader reads this answer as:",
		fmt.Sprintf("  version  %s", resp.Proto),
		fmt.Sprintf("  status   %d", resp.Status),
		fmt.Sprintf("  reason   %s", resp.Reason),
	}
	out = append(out, headerLines(resp.Headers)...)
	body, _ := io.ReadAll(resp.Body)
	switch {
	case resp.UntilClose:
		out = append(out, fmt.Sprintf("  a body of %d bytes, which ends only because the connection closed", len(body)))
	case resp.Chunked:
		out = append(out, fmt.Sprintf("  a chunked body of %d bytes", len(body)))
	default:
		out = append(out, fmt.Sprintf("  a body of %d bytes, as Content-Length says", len(body)))
	}
	return out
}

func headerLines(h http1.Headers) []string {
	if len(h) == 0 {
		return []string{"  headers  none"}
	}
	out := []string{"  headers  (names as sent, in the order sent)"}
	for _, f := range h {
		note := ""
		if f.Invalid {
			note = "   <- not a valid header line: nginx would ignore it"
		}
		out = append(out, fmt.Sprintf("    %s: %s%s", f.Name, f.Value, note))
	}
	return out
}

// rejected says why the reader refused a message.
func rejected(what string, err error) []string {
	var herr *http1.Error
	if errors.As(err, &herr) && herr.Status == 0 {
		return []string{fmt.Sprintf("the lab's HTTP reader finds no status line in this %s: %s; a client can only take it all as the body", what, herr.Detail)}
	}
	if errors.As(err, &herr) {
		return []string{
			fmt.Sprintf("the lab's HTTP reader rejects this %s: %s", what, herr.Detail),
			fmt.Sprintf("  a server like nginx answers %d %s", herr.Status, herr.Reason),
		}
	}
	return []string{fmt.Sprintf("the lab's HTTP reader cannot read this %s: %s", what, strings.TrimPrefix(err.Error(), "http1: "))}
}

// explainEnviron shows the environ an app was handed for the last
// request, key by key in the order the server set them, each with what
// it means.
func explainEnviron(js []*trace.Journey) []string {
	var env *trace.Event
	for _, j := range js {
		for i, e := range j.Events {
			if e.Kind == trace.KindHandoff && e.Name == "environ" {
				env = &j.Events[i]
			}
		}
	}
	if env == nil {
		return []string{"no app was called for this request, so there is no environ to show"}
	}
	out := []string{fmt.Sprintf("the environ %s handed to the app, %d keys in the order it set them:", env.From, len(env.Fields))}
	for _, f := range env.Fields {
		out = append(out, fmt.Sprintf("  %s = %s", f.Key, f.Value))
		if e, ok := glossary.Lookup(glossary.Environ, f.Key); ok {
			out = append(out, "      "+e.Meaning)
		}
	}
	return out
}
