package glossary_test

import (
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/lessons/glossary"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		kind     glossary.Kind
		term     string
		wantTerm string
		wantIn   string
	}{
		{name: "header any case", kind: glossary.Header, term: "content-LENGTH", wantTerm: "Content-Length", wantIn: "bytes of body"},
		{name: "status", kind: glossary.Status, term: "502", wantTerm: "502", wantIn: "Bad Gateway"},
		{name: "method", kind: glossary.RequestPart, term: "GET", wantTerm: "GET", wantIn: "Fetch"},
		{name: "environ", kind: glossary.Environ, term: "PATH_INFO", wantTerm: "PATH_INFO", wantIn: "routes"},
		{name: "environ header of its own", kind: glossary.Environ, term: "HTTP_X_FORWARDED_FOR", wantTerm: "HTTP_X_FORWARDED_FOR", wantIn: "X-Forwarded-For"},
		{name: "environ header unknown", kind: glossary.Environ, term: "HTTP_X_MINE", wantTerm: "HTTP_X_MINE", wantIn: "request header X-Mine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, ok := glossary.Lookup(tt.kind, tt.term)
			if !ok || e.Term != tt.wantTerm || !strings.Contains(e.Meaning, tt.wantIn) {
				t.Errorf("glossary.Lookup(%v, %q) = %+v, %v; want %q explained with %q", tt.kind, tt.term, e, ok, tt.wantTerm, tt.wantIn)
			}
		})
	}
	for _, miss := range []struct {
		kind glossary.Kind
		term string
	}{{glossary.Header, "X-Nothing"}, {glossary.Status, "299"}, {glossary.Status, "abc"}, {glossary.Environ, "HTTP_"}, {glossary.RequestPart, "get"}} {
		if e, ok := glossary.Lookup(miss.kind, miss.term); ok {
			t.Errorf("glossary.Lookup(%v, %q) found %+v", miss.kind, miss.term, e)
		}
	}
}

// TestStatusesTheLabSends checks the codes the lab's own HTTP reader
// answers with (stack/http1) and the ones the lessons speak of.
func TestStatusesTheLabSends(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"200", "301", "304", "400", "404", "405", "413", "414", "500", "501", "502", "504", "505"} {
		if _, ok := glossary.Lookup(glossary.Status, code); !ok {
			t.Errorf("no entry for status %s", code)
		}
	}
	for _, p := range []string{"method", "target", "version", "status code", "reason"} {
		if _, ok := glossary.Lookup(glossary.RequestPart, p); !ok {
			t.Errorf("no entry for the request-line part %q", p)
		}
	}
}
