package challenge

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// Verdict says, for a "break it" drill, which layer refused the request
// and why, or that none did. The why comes from what the refusing layer
// logged for the journey, else from the reason its error page gives, else
// from the lab's HTTP reader (which refuses what nginx refuses) reading
// the bytes that layer read.
func Verdict(s Summary) string {
	last := ""
	if n := len(s.Layers); n > 0 {
		last = s.Layers[n-1]
	}
	switch {
	case s.Origin == "" && !s.Answered:
		return fmt.Sprintf("no answer yet: %s is still waiting for the rest of the request", last)
	case s.Origin == "" && s.Status == 0:
		return fmt.Sprintf("%s closed the connection without answering", last)
	case s.Status == 0:
		return fmt.Sprintf("%s answered without a status line, as to an HTTP/0.9 request", s.Origin)
	case s.Status < 400:
		return fmt.Sprintf("nobody refused it: %s answered %d %s", s.Origin, s.Status, s.Reason)
	}
	v := fmt.Sprintf("refused by %s: %d %s", s.Origin, s.Status, s.Reason)
	if why := s.why(); why != "" && (s.Reason == "" || !strings.Contains(why, s.Reason)) {
		v += " (" + why + ")" // not when it only says the reason again, as Python's pages do
	}
	return v
}

// errorLogPrefix is what starts an nginx error log line before its
// message: the date, the level, the process and thread, the connection.
// It is compiled when first used, as tags is: not by every process that
// links the lessons.
var errorLogPrefix = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+: (\*\d+ )?`)
})

// logReason keeps the message of an error log line: nginx's prefix and
// its ", client: ..." context go.
func logReason(line string) string {
	line = errorLogPrefix().ReplaceAllString(strings.TrimSpace(line), "")
	if i := strings.Index(line, ", client: "); i > 0 {
		line = line[:i]
	}
	return line
}

// tags matches an HTML tag.
var tags = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<[^>]*>`) })

// pageReason reads the reason an error page gives after its heading, as
// gunicorn writes it ("Invalid HTTP Version ..."); nginx's pages name only
// the server there, and say nothing.
func pageReason(answer []byte) string {
	_, after, ok := bytes.Cut(answer, []byte("</h1>"))
	if !ok {
		return ""
	}
	text, _, _ := bytes.Cut(after, []byte("</body>"))
	reason := strings.Join(strings.Fields(html.UnescapeString(tags().ReplaceAllString(string(text), " "))), " ")
	if strings.HasPrefix(reason, "nginx") {
		return ""
	}
	return reason
}

// why finds the reason the origin refused the request: an error it
// logged, or what the lab's HTTP reader says of what it read.
func (s Summary) why() string {
	for _, l := range s.Logs {
		if l.Layer == s.Origin && strings.Contains(l.Name, "error") {
			return logReason(string(l.Data))
		}
	}
	if why := pageReason(s.Writes[s.Origin]); why != "" {
		return why
	}
	raw := s.Reads[s.Origin]
	if len(raw) == 0 {
		return ""
	}
	_, err := http1.NewReader(bytes.NewReader(raw), http1.NginxLimits()).ReadRequest()
	var herr *http1.Error
	if errors.As(err, &herr) {
		return herr.Detail
	}
	return ""
}
