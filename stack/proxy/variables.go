package proxy

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// variable returns the value of the variable name for the request.
func (r *request) variable(name string) string {
	switch name {
	case "uri", "document_uri":
		return r.uri
	case "request_uri":
		return r.unparsed
	case "args", "query_string":
		return r.args
	case "is_args":
		if r.args != "" {
			return "?"
		}
		return ""
	case "host":
		if r.host != "" {
			return r.host
		}
		return r.serverName()
	case "hostname":
		h, _ := os.Hostname()
		return h
	case "remote_addr":
		return r.c.remoteIP
	case "remote_port":
		return r.c.remotePort
	case "server_addr":
		return r.c.localIP
	case "server_port":
		return r.c.localPort
	case "server_name":
		return r.serverName()
	case "server_protocol":
		if r.hr != nil {
			return r.hr.Proto
		}
	case "scheme":
		return "http"
	case "request_method":
		return r.method
	case "request":
		return r.requestLine
	case "document_root":
		return r.loc.root
	case "content_length":
		return r.header("Content-Length")
	case "content_type":
		return r.header("Content-Type")
	case "proxy_host":
		return r.proxyHost
	case "proxy_port":
		_, port, _ := strings.Cut(r.proxyHost, ":")
		if port == "" {
			port = "80"
		}
		return port
	case "proxy_add_x_forwarded_for":
		if r.hr != nil {
			if xff := r.hr.Headers.Values("X-Forwarded-For"); len(xff) > 0 {
				return strings.Join(xff, ", ") + ", " + r.c.remoteIP
			}
		}
		return r.c.remoteIP
	case "proxy_internal_body_length":
		if r.bodyLength >= 0 && (r.hr.ContentLength >= 0 || r.hr.Chunked) {
			return strconv.FormatInt(r.bodyLength, 10)
		}
	case "nginx_version":
		return nginxVersion
	case "pid":
		return strconv.Itoa(r.c.srv.pid)
	case "msec":
		return msec(time.Now())
	case "time_local":
		return r.c.srv.dates.get().log
	case "time_iso8601":
		return time.Now().Format("2006-01-02T15:04:05-07:00")
	case "status":
		return statusCode(r.status)
	case "body_bytes_sent":
		return strconv.FormatInt(r.bodySent, 10)
	case "bytes_sent":
		return strconv.FormatInt(r.bytesSent, 10)
	case "request_length":
		if r.hr != nil {
			return strconv.FormatInt(int64(r.hr.HeadSize)+max(r.bodyLength, 0), 10)
		}
	case "request_time":
		d := time.Since(r.start)
		return fmt.Sprintf("%d.%03d", d/time.Second, d%time.Second/time.Millisecond)
	case "connection":
		return strconv.FormatUint(r.c.n, 10)
	case "connection_requests":
		return strconv.Itoa(r.c.requests)
	case "upstream_addr":
		return r.upstreamAddr
	case "upstream_status":
		if r.upstreamCode != 0 {
			return strconv.Itoa(r.upstreamCode)
		}
	}
	switch {
	case strings.HasPrefix(name, "http_"):
		return r.header(name[5:])
	case strings.HasPrefix(name, "arg_"):
		return argValue(r.args, name[4:])
	case strings.HasPrefix(name, "cookie_"):
		return cookieValue(r.header("Cookie"), name[7:])
	case strings.HasPrefix(name, "sent_http_"):
		return headerValue(r.respHeaders, name[10:])
	case strings.HasPrefix(name, "upstream_http_"):
		return headerValue(r.upHeaders, name[14:])
	}
	return ""
}

// header returns the request header a variable names ("user_agent" for
// User-Agent); cookies are joined with "; ", as nginx joins them.
func (r *request) header(name string) string {
	if r.hr == nil {
		return ""
	}
	if strings.EqualFold(name, "cookie") {
		return strings.Join(r.hr.Headers.Values("Cookie"), "; ")
	}
	return headerValue(r.hr.Headers, name)
}

func headerValue(h http1.Headers, name string) string {
	for _, f := range h {
		if !f.Invalid && sameHeaderName(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// sameHeaderName compares a header's name with a variable's spelling of
// it, where '_' stands for '-'.
func sameHeaderName(header, v string) bool {
	if len(header) != len(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if headerNameByte(header[i]) != headerNameByte(v[i]) {
			return false
		}
	}
	return true
}

// headerNameByte folds a byte of a header name as variables see it: in
// lower case, with '-' as '_'.
func headerNameByte(c byte) byte {
	switch {
	case c == '-':
		return '_'
	case c >= 'A' && c <= 'Z':
		return c + 'a' - 'A'
	}
	return c
}

func argValue(args, name string) string {
	for _, kv := range strings.Split(args, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func cookieValue(cookies, name string) string {
	for _, kv := range strings.Split(cookies, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// statusCode is $status: three digits, "009" for an HTTP/0.9 answer.
func statusCode(s int) string {
	if line, ok := statusLines[s]; ok {
		return line[:3] // a status nginx knows, without making a string
	}
	if s >= 100 && s <= 999 {
		return strconv.Itoa(s)
	}
	return fmt.Sprintf("%03d", s)
}
