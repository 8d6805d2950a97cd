package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// Command is a shell command that sends a request's bytes again.
type Command struct {
	// Line is the command: curl when curl sends exactly the same bytes,
	// else printf piped into nc.
	Line string
	// Curl reports that Line is a curl command.
	Curl bool
	// Why says why curl cannot send these bytes, when it cannot.
	Why string
}

// CopyAsCurl returns the command that sends request, as a client sent it,
// to the server at addr (host:port). curl always writes its own request
// line and puts Host first, so a request it cannot write byte for byte
// (a bare LF, HTTP/0.9, headers out of curl's order, a body its
// Content-Length does not match...) gets a printf | nc command instead,
// with the reason.
func CopyAsCurl(request []byte, addr string) Command {
	args, why := curlArgs(request, addr)
	if why != "" {
		host, port := splitHostPort(addr)
		return Command{Line: fmt.Sprintf("printf %s | nc %s %s", printfQuote(request), host, port), Why: why}
	}
	return Command{Line: "curl " + strings.Join(args, " "), Curl: true}
}

// curlArgs returns curl's arguments for request, or why there are none.
func curlArgs(request []byte, addr string) ([]string, string) {
	rd := http1.NewReader(bytes.NewReader(request), http1.NginxLimits())
	req, err := rd.ReadRequest()
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return nil, "it is not a whole request: nothing ends its head with an empty line"
	case err != nil:
		return nil, "it is not a request HTTP can read: " + strings.TrimPrefix(err.Error(), "http1: ")
	case req.Proto != "HTTP/1.0" && req.Proto != "HTTP/1.1":
		return nil, "curl speaks HTTP/1.0 and 1.1 only, not " + protoName(req.Proto)
	case bytes.Count(request[:req.HeadSize], []byte("\n")) != bytes.Count(request[:req.HeadSize], []byte("\r\n")):
		return nil, "curl ends every line with CR LF; this request has a bare LF"
	case !plainTarget(req.Target):
		return nil, "curl sends only a plain path as the target"
	case req.Chunked:
		return nil, "curl chunks a body its own way"
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, "its body is cut short: " + strings.TrimPrefix(err.Error(), "http1: ")
	}
	if req.HeadSize+len(body) != len(request) {
		return nil, "there is more than one request, or bytes after the body"
	}
	args := []string{"--path-as-is"}
	if req.Proto == "HTTP/1.0" {
		args = append(args, "--http1.0")
	}
	headers, why := curlHeaders(request[:req.HeadSize], req, req.ContentLength >= 0)
	if why != "" {
		return nil, why
	}
	args = append(args, headers...)
	args = append(args, methodArgs(req.Method, req.ContentLength >= 0)...)
	if req.ContentLength >= 0 {
		args = append(args, "--data-binary", shellQuote(string(body)))
	}
	return append(args, shellQuote("http://"+addr+req.Target)), ""
}

func protoName(p string) string {
	if p == "" {
		return "HTTP/0.9"
	}
	return p
}

// plainTarget reports whether target is a path curl sends as it is.
func plainTarget(target string) bool {
	if !strings.HasPrefix(target, "/") {
		return false
	}
	for i := 0; i < len(target); i++ {
		if target[i] <= ' ' || target[i] >= 0x7f || target[i] == '#' {
			return false
		}
	}
	return true
}

// methodArgs returns the flags that make curl use method.
func methodArgs(method string, hasBody bool) []string {
	switch {
	case method == "GET" && !hasBody, method == "POST" && hasBody:
		return nil
	case method == "HEAD" && !hasBody:
		return []string{"--head"}
	}
	return []string{"-X", method}
}

// curlHeaders returns the -H flags that make curl send the request's
// headers in their order, and remove the ones curl adds of its own.
func curlHeaders(head []byte, req *http1.Request, hasBody bool) ([]string, string) {
	lines := strings.Split(strings.TrimSuffix(string(head), "\r\n\r\n"), "\r\n")[1:]
	var args []string
	has := map[string]bool{}
	for i, h := range req.Headers {
		name := strings.ToLower(h.Name)
		switch {
		case h.Invalid || i >= len(lines) || lines[i] != h.Name+": "+h.Value || h.Value == "":
			return nil, fmt.Sprintf("curl writes a header as \"Name: value\"; this request has %q", lineAt(lines, i))
		case name == "host" && i != 0:
			return nil, "curl always puts Host first; this request has it further down"
		case has[name]:
			return nil, "curl sends a header name once; this request repeats " + h.Name
		case name == "content-length":
			if i != len(req.Headers)-1 {
				return nil, "curl puts Content-Length last; this request has it further up"
			}
			has[name] = true
			continue
		}
		has[name] = true
		args = append(args, "-H", shellQuote(h.Name+": "+h.Value))
	}
	for _, own := range curlsOwn(hasBody) {
		if !has[strings.ToLower(own)] {
			args = append(args, "-H", shellQuote(own+":"))
		}
	}
	return args, ""
}

// curlsOwn are the headers curl adds unless told otherwise.
func curlsOwn(hasBody bool) []string {
	own := []string{"Host", "User-Agent", "Accept"}
	if hasBody {
		own = append(own, "Content-Type", "Expect")
	}
	return own
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}

// shellQuote quotes s for a POSIX shell: in single quotes when it is
// printable, else in bash's $'...' with escapes.
func shellQuote(s string) string {
	printable := true
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] >= 0x7f {
			printable = false
		}
	}
	if printable {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == '\'':
			b.WriteString(`\` + string(c))
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\n':
			b.WriteString(`\n`)
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String() + "'"
}

// printfQuote quotes b as a printf format that prints exactly b, in
// single quotes, with octal escapes for what is not printable.
func printfQuote(b []byte) string {
	var s strings.Builder
	s.WriteByte('\'')
	for _, c := range b {
		switch {
		case c == '%':
			s.WriteString("%%")
		case c == '\\':
			s.WriteString(`\\`)
		case c == '\'':
			s.WriteString(`\047`)
		case c == '\r':
			s.WriteString(`\r`)
		case c == '\n':
			s.WriteString(`\n`)
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&s, `\%03o`, c)
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte('\'')
	return s.String()
}

// splitHostPort splits addr, keeping what it can.
func splitHostPort(addr string) (string, string) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return addr, "80"
	}
	return strings.Trim(addr[:i], "[]"), addr[i+1:]
}
