package prefork

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/textcase"
)

// ServerHeader is the Server header the workers send. gunicorn sends
// "gunicorn"; the lab says what it mirrors and that it is the lab.
const ServerHeader = "gunicorn (ngw2f-lab)"

// Software is SERVER_SOFTWARE in the environ, after gunicorn's
// "gunicorn/20.1.0".
const Software = "gunicorn/20.1.0 (ngw2f-lab)"

// response writes an app's answer as gunicorn 20.1.0's Response does: the
// status line in the request's version, then Server, Date and
// Connection: close (a sync worker closes every connection), then
// Transfer-Encoding: chunked when the app gave no length to a client
// that speaks HTTP/1.1, then the app's headers in its own case and order,
// less the hop-by-hop ones. It never writes more of the body than the
// app's Content-Length says.
type response struct {
	w       io.Writer
	req     *http1.Request
	now     func() time.Time
	status  string
	length  int64 // the app's Content-Length, or -1
	sent    int64
	chunked bool
	started bool // the head was made: the app's answer is on its way
	// headPending says the head waits in buf, to go out with the first
	// chunk in one write.
	headPending bool
	// bare writes the answer as uWSGI writes it to nginx on a uwsgi
	// socket: the status line, the app's headers and its body, no header
	// of the server's own and no chunking; the close ends the body.
	bare  bool
	buf   []byte
	frame []byte
	date  httpDate
}

// hopByHop are the headers gunicorn drops from an app's answer
// (util.is_hoppish).
var hopByHop = map[string]bool{
	"connection": true, "keep-alive": true, "proxy-authenticate": true,
	"proxy-authorization": true, "te": true, "trailers": true,
	"transfer-encoding": true, "upgrade": true,
}

// WriteHeader sends the head.
func (r *response) WriteHeader(status string, headers http1.Headers) error {
	r.status = status
	var name [32]byte // room for a header's name in lower case
	for _, h := range headers {
		if string(textcase.AppendLower(name[:0], h.Name)) != "content-length" {
			continue
		}
		if n, err := strconv.ParseInt(strings.Trim(h.Value, " \t"), 10, 64); err == nil && n >= 0 {
			r.length = n
		}
	}
	r.chunked = !r.bare && r.length < 0 && (r.req.Major > 1 || r.req.Major == 1 && r.req.Minor >= 1) &&
		r.req.Method != "HEAD" && !strings.HasPrefix(status, "204") && !strings.HasPrefix(status, "304")

	b := r.buf[:0]
	b = append(b, "HTTP/"...)
	b = strconv.AppendInt(b, int64(r.req.Major), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(r.req.Minor), 10)
	b = append(b, ' ')
	b = append(b, status...)
	b = append(b, "\r\n"...)
	if !r.bare {
		b = append(b, "Server: "+ServerHeader+"\r\nDate: "...)
		b = r.date.append(b, r.now())
		b = append(b, "\r\nConnection: close\r\n"...)
	}
	if r.chunked {
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	}
	for _, h := range headers {
		if hopByHop[string(textcase.AppendLower(name[:0], h.Name))] {
			continue
		}
		b = append(b, h.Name...)
		b = append(b, ": "...)
		b = append(b, strings.Trim(h.Value, " \t")...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	r.buf = b
	r.started = true
	r.headPending = true
	return nil
}

// headSent reports whether the head went to the client.
func (r *response) headSent() bool { return r.started && !r.headPending }

// send writes what is pending of the head and then p, in one write.
func (r *response) send(p []byte) error {
	if r.headPending {
		r.headPending = false
		r.buf = append(r.buf, p...) // kept grown for the session's next answer
		p = r.buf
	}
	if len(p) == 0 {
		return nil
	}
	_, err := r.w.Write(p)
	return err
}

// http1Date is the layout of an HTTP date, in GMT.
const http1Date = "Mon, 02 Jan 2006 15:04:05 GMT"

// httpDate is the Date header's value, written again only when the
// second changes, as nginx keeps it: the answers of one second share it.
type httpDate struct {
	sec  int64
	text []byte
}

// append appends t as an HTTP date.
func (d *httpDate) append(b []byte, t time.Time) []byte {
	if sec := t.Unix(); d.text == nil || sec != d.sec {
		d.sec, d.text = sec, t.UTC().AppendFormat(d.text[:0], http1Date)
	}
	return append(b, d.text...)
}

// Write sends one chunk, framed when the body is chunked (the size in
// upper-case hex, as gunicorn writes it), and cut at Content-Length.
func (r *response) Write(chunk []byte) error {
	if r.length >= 0 {
		left := r.length - r.sent
		if left <= 0 {
			return nil
		}
		if int64(len(chunk)) > left {
			chunk = chunk[:left]
		}
	}
	r.sent += int64(len(chunk))
	if !r.chunked {
		return r.send(chunk)
	}
	b := appendUpperHex(r.frame[:0], len(chunk))
	b = append(b, "\r\n"...)
	b = append(b, chunk...)
	b = append(b, "\r\n"...)
	r.frame = b
	return r.send(b)
}

// appendUpperHex appends n in hexadecimal with upper-case digits, as
// gunicorn writes a chunk's size ("%X").
func appendUpperHex(b []byte, n int) []byte {
	start := len(b)
	b = strconv.AppendInt(b, int64(n), 16)
	for i := start; i < len(b); i++ {
		if b[i] >= 'a' {
			b[i] -= 'a' - 'A'
		}
	}
	return b
}

// Finish writes the head if no chunk took it along, and the last chunk of
// a chunked body.
func (r *response) Finish() error {
	if !r.chunked {
		return r.send(nil)
	}
	return r.send([]byte("0\r\n\r\n"))
}
