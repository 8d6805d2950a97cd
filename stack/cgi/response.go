package cgi

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
)

// parseOutput turns a script's standard output into the server's answer
// (RFC 3875 section 6): the header lines up to the first empty one, which
// may end in LF or CR LF; Status gives the status line, and Location
// without Status is a 302. The server's answer is HTTP/1.0 with its own
// Server and Date first, the script's other headers as written, and the
// body, which the close ends.
func parseOutput(out []byte, now time.Time) ([]byte, error) {
	status := "200 OK"
	var headers []string
	rest := out
	for {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		if !found {
			return nil, errors.New("the script's output ended before the empty line that ends its headers")
		}
		rest = after
		text := strings.TrimSuffix(string(line), "\r")
		if text == "" {
			break
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("malformed header from the script: %q", text)
		}
		value = strings.TrimSpace(value)
		switch {
		case strings.EqualFold(name, "Status"):
			status = value
		case strings.EqualFold(name, "Location") && status == "200 OK":
			status = "302 Found"
			headers = append(headers, name+": "+value)
		default:
			headers = append(headers, name+": "+value)
		}
	}
	if len(headers) == 0 {
		return nil, errors.New("the script sent no header: it needs at least Content-Type")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.0 %s\r\nServer: %s\r\nDate: %s\r\n", status, Software, now.UTC().Format(dateLayout))
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	b.Write(rest)
	return b.Bytes(), nil
}

const dateLayout = "Mon, 02 Jan 2006 15:04:05 GMT"

// errorAnswer is the server's own answer when there is no script's to
// send.
func errorAnswer(status string) []byte {
	body := status + "\n"
	return fmt.Appendf(nil, "HTTP/1.0 %s\r\nServer: %s\r\nDate: %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, Software, time.Now().UTC().Format(dateLayout), len(body), body)
}
