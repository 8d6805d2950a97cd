package proxy

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// logFile is a log file a proxy appends lines to; nil writes nowhere.
type logFile struct {
	mu   sync.Mutex
	w    io.Writer
	file *os.File // to close; nil for stderr
}

func (f *logFile) writeLine(line []byte) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	_, _ = f.w.Write(line)
}

// accessLog is one access_log a location writes to; a nil file writes to
// the trace only.
type accessLog struct {
	file   *logFile
	format logFormat
}

// errorLog is an error_log: its file and the lowest level written to it.
type errorLog struct {
	file  *logFile
	level logLevel
}

// logAccess writes the request's access log lines, to the trace and to
// the configured files, after its answer was sent, as nginx does. It
// builds them in the connection's answer buffer, free once the answer is
// out, rather than in a slice grown anew for each line.
func (r *request) logAccess() {
	for _, a := range r.loc.accessLogs {
		line := a.format.line.appendLogTo(r.c.buf[:0], r, a.format.escape)
		r.c.srv.tap.Log(r.c.nc, "access_log", string(line))
		if a.file != nil {
			line = append(line, '\n')
			a.file.writeLine(line)
		}
		r.c.buf = line[:0]
	}
}

// appendLogTo appends the template's value for a log line: a variable
// with no value is "-", and values are escaped as escape says.
func (t template) appendLogTo(dst []byte, vs variables, escape string) []byte {
	for _, p := range t.parts {
		if p.name == "" {
			dst = append(dst, p.lit...)
			continue
		}
		v := vs.variable(p.name)
		switch {
		case v == "" && escape != "json":
			dst = append(dst, '-')
		case escape == "none":
			dst = append(dst, v...)
		case escape == "json":
			dst = appendJSONEscaped(dst, v)
		default:
			dst = appendLogEscaped(dst, v)
		}
	}
	return dst
}

// appendLogEscaped escapes as nginx's access log does by default: '"',
// '\', control bytes and bytes from 0x7f as \xHH.
func appendLogEscaped(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			dst = append(dst, '\\', 'x', hex[c>>4], hex[c&0xf])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

func appendJSONEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = fmt.Appendf(dst, `\u%04x`, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// logError writes one error log line about the request, worded as nginx
// words it: "2026/11/23 09:33:41 [error] 123#123: *5 MESSAGE, client: ...,
// server: ..., request: "...", upstream: "...", host: "...", referrer:
// "...". Every line goes to the trace; the configured file takes the lines
// at its level and above.
func (r *request) logError(level logLevel, msg string) {
	var b strings.Builder
	b.WriteString(msg)
	fmt.Fprintf(&b, ", client: %s, server: %s", r.c.remoteIP, r.serverName())
	if r.requestLine != "" {
		fmt.Fprintf(&b, `, request: "%s"`, r.requestLine)
	}
	if r.upstreamURL.scheme != "" {
		fmt.Fprintf(&b, `, upstream: "%s"`, r.upstreamURL)
	}
	if r.hr != nil {
		if h := r.hr.Headers.Get("Host"); h != "" {
			fmt.Fprintf(&b, `, host: "%s"`, h)
		}
		if ref := r.hr.Headers.Get("Referer"); ref != "" {
			fmt.Fprintf(&b, `, referrer: "%s"`, ref)
		}
	}
	var el *errorLog
	if r.loc != nil {
		el = r.loc.errorLog
	}
	r.c.logError(el, level, b.String())
}

// logError writes a line about the connection. A line below the level of
// the error_log that applies (nginx's default is error) is one nginx
// writes nowhere: the trace still gets it, named ErrorLogBelow, so that a
// learner sees why a request was refused and that nginx would not say.
func (c *conn) logError(el *errorLog, level logLevel, msg string) {
	line := fmt.Sprintf("%s [%s] %d#%d: *%d %s", time.Now().Format("2006/01/02 15:04:05"), level, c.srv.pid, c.srv.pid, c.n, msg)
	if el == nil {
		el = c.rt.errorLog
	}
	c.srv.writeErrorLog(c.nc, el, level, line)
}

// writeErrorLog records line in the trace, under ErrorLogBelow when level
// is below el's (or nginx's default, error, when there is no error_log),
// and writes it to el's file when it is not.
func (s *Server) writeErrorLog(nc net.Conn, el *errorLog, level logLevel, line string) {
	min := levelError
	if el != nil {
		min = el.level
	}
	if level < min {
		s.tap.Log(nc, ErrorLogBelow, line)
		return
	}
	s.tap.Log(nc, "error_log", line)
	if el != nil {
		el.file.writeLine([]byte(line + "\n"))
	}
}

// ErrorLogBelow names the trace's log events for error log lines below
// the level of the error_log that applies: what nginx would log at a
// more verbose level, and does not log here.
const ErrorLogBelow = "error_log_below"

// note records, for the request's journey, a remark of the lab's own
// where it knowingly answers otherwise than nginx: it is no log line of
// nginx's, and goes to no file.
func (r *request) note(text string) {
	r.c.srv.tap.Log(r.c.nc, "note", text)
}

// logError writes one of the server's own error log lines, about no
// connection in particular: "2026/11/23 09:33:41 [alert] 123#123:
// MESSAGE".
func (s *Server) logError(rt *runtime, level logLevel, msg string) {
	line := fmt.Sprintf("%s [%s] %d#%d: %s", time.Now().Format("2006/01/02 15:04:05"), level, s.pid, s.pid, msg)
	s.writeErrorLog(nil, rt.errorLog, level, line)
}

// logTime is $time_local's format.
func logTime(t time.Time) string { return t.Format("02/Jan/2006:15:04:05 -0700") }

func msec(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10) + "." + fmt.Sprintf("%03d", t.Nanosecond()/1e6)
}
