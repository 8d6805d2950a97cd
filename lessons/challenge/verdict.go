package challenge

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// Verdict says, for a "break it" drill, which layer refused the request
// and why, or that none did. The why comes from what the refusing layer
// logged for the journey, else from the lab's HTTP reader (which refuses
// what nginx refuses) reading the bytes that layer read.
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
	if why := s.why(); why != "" {
		v += " (" + why + ")"
	}
	return v
}

// why finds the reason the origin refused the request: an error it
// logged, or what the lab's HTTP reader says of what it read.
func (s Summary) why() string {
	for _, l := range s.Logs {
		if l.Layer == s.Origin && strings.Contains(l.Name, "error") {
			return strings.TrimSpace(string(l.Data))
		}
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
