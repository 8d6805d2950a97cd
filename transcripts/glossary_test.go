package transcripts

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/glossary"
)

// The glossary's entries are held to what the recorded runs show: every
// term a layer sent has one.

var (
	hopLine    = regexp.MustCompile(`^\s+\d+  \S+ (->|<-) \S+  `)
	byteLine   = regexp.MustCompile(`^\s+([<>]) (.*)$`)
	headerName = regexp.MustCompile(`^([A-Za-z0-9!#$%&'*+.^_|~-]+):`)
	statusLine = regexp.MustCompile(`^HTTP/\d\.\d (\d{3})`)
	bytesHop   = regexp.MustCompile(`^\d+ bytes$`)
	// a hand-off's field: an environ key, or start_response's status and
	// headers
	handoffField = regexp.MustCompile(`^\s{11}([A-Za-z_][A-Za-z0-9_.-]*) = `)
)

// emitted returns the headers, status codes and environ keys that cross
// the wire in a transcript: every hop's head lines and hand-off fields;
// fields are the other hand-offs' fields (what the toolkit and the
// framework hand on), each an environ key, a header or a field of its own.
func emitted(text string) (headers, statuses, env, fields map[string]bool) {
	headers, statuses, env, fields = map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	inHead, first, handoff := false, false, ""
	for _, line := range strings.Split(text, "\n") {
		if hopLine.MatchString(line) {
			handoff = strings.TrimSpace(line[strings.LastIndex(line, "  "):])
			// Only bytes on a connection start with a head; a hand-off's
			// bytes (a body chunk) do not.
			inHead, first = bytesHop.MatchString(handoff), true
			continue
		}
		if m := handoffField.FindStringSubmatch(line); m != nil {
			switch {
			case handoff == "environ":
				env[m[1]] = true
			case handoff == "start_response" && m[1] != "status" && m[1] != "exc_info":
				headers[m[1]] = true
			default:
				fields[m[1]] = true
			}
			continue
		}
		m := byteLine.FindStringSubmatch(line)
		if m == nil || !inHead {
			continue
		}
		content := m[2]
		if content == `\r\n` || content == `\n` {
			inHead = false
			continue
		}
		if first {
			first = false
			if s := statusLine.FindStringSubmatch(content); s != nil {
				statuses[s[1]] = true
			}
			continue
		}
		if h := headerName.FindStringSubmatch(content); h != nil {
			headers[h[1]] = true
		}
	}
	return headers, statuses, env, fields
}

// TestEveryEmittedTermHasAnEntry reads every lesson's recorded transcript
// and checks that each header, status and environ key the lab's layers
// sent there has a glossary entry: a layer that lands with new ones fails
// here until they are explained.
func TestEveryEmittedTermHasAnEntry(t *testing.T) {
	t.Parallel()
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, l := range all {
		if l.Planned {
			continue
		}
		b, err := Recorded(l.ID())
		if err != nil {
			t.Fatal(err)
		}
		headers, statuses, env, fields := emitted(string(b))
		for f := range fields {
			seen++
			if !known(f) {
				t.Errorf("%s: the hand-off field %q has no glossary entry as an environ key, a header or a field", l.ID(), f)
			}
		}
		for kind, terms := range map[glossary.Kind]map[string]bool{glossary.Header: headers, glossary.Status: statuses, glossary.Environ: env} {
			for term := range terms {
				seen++
				if _, ok := glossary.Lookup(kind, term); !ok {
					t.Errorf("%s: the %s %q has no glossary entry", l.ID(), kind, term)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("found no term in any transcript: the transcript format changed and this test reads nothing")
	}
}

// known reports whether a hand-off field is explained as any kind.
func known(f string) bool {
	for _, k := range []glossary.Kind{glossary.Environ, glossary.Header, glossary.Field} {
		if _, ok := glossary.Lookup(k, f); ok {
			return true
		}
	}
	return false
}

func TestEmittedReadsATranscript(t *testing.T) {
	t.Parallel()
	text := "      1  client -> proxy  40 bytes\n" +
		"         > GET / HTTP/1.0\\r\\n\n" +
		"         > Host: localhost\\r\\n\n" +
		"         > \\r\\n\n" +
		"         > Note: a body line\\r\\n\n" +
		"      2  proxy -> gateway  environ\n" +
		"           PATH_INFO = /\n" +
		"      3  wsgiref <- gateway  chunk, 12 bytes\n" +
		"         < user: 42\n\n" +
		"      3  client <- proxy  51 bytes\n" +
		"         < HTTP/1.1 404 Not Found\\r\\n\n" +
		"         < Server: nginx\\r\\n\n"
	h, s, e, _ := emitted(text)
	if len(h) != 2 || !h["Host"] || !h["Server"] || len(s) != 1 || !s["404"] || len(e) != 1 || !e["PATH_INFO"] {
		t.Errorf("emitted = %v %v %v", h, s, e)
	}
}
