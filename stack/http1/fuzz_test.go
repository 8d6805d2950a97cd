package http1

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
)

// consumed returns how many bytes of data the Reader took for its
// messages: what it read from src less what it still holds.
func consumed(data []byte, src *bytes.Reader, r *Reader) int {
	return len(data) - src.Len() - r.Buffered()
}

// leadingEmpty counts the CR and LF bytes before a request line.
func leadingEmpty(data []byte) int {
	n := 0
	for n < len(data) && (data[n] == '\r' || data[n] == '\n') {
		n++
	}
	return n
}

func addRequestSeeds(f *testing.F) {
	for _, b := range corpus(f) {
		f.Add(b)
	}
	for _, c := range nginxtest.Cases() {
		if len(c.Raw) < 4096 {
			f.Add([]byte(c.Raw))
		}
	}
	f.Add([]byte("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x\r\nabc\r\n0\r\nT: 1\r\n\r\nGET / HTTP/1.0\r\n\r\n"))
	f.Add([]byte("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabcGET /\r\n"))
}

func FuzzReadRequest(f *testing.F) {
	addRequestSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		src := bytes.NewReader(data)
		r := NewReader(src, NginxLimits())
		req, err := r.ReadRequest()
		if err != nil {
			var e *Error
			if errors.As(err, &e) && !readerLevel(e.Status) {
				t.Fatalf("status %d for a request", e.Status)
			}
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		// The Reader took exactly the message.
		want := leadingEmpty(data) + req.HeadSize
		switch {
		case req.Chunked:
			rest := data[want:]
			refBody, end, ok := refChunked(rest, NginxLimits())
			if !ok || !bytes.Equal(refBody, body) {
				t.Fatalf("chunked body %q, the reference reads %q (ok %v)", body, refBody, ok)
			}
			want += end
		case req.ContentLength >= 0:
			if int64(len(body)) != req.ContentLength {
				t.Fatalf("body of %d bytes, Content-Length %d", len(body), req.ContentLength)
			}
			want += len(body)
		default:
			if len(body) != 0 {
				t.Fatalf("body %q without framing", body)
			}
		}
		if got := consumed(data, src, r); got != want {
			t.Fatalf("took %d bytes, the message has %d", got, want)
		}
		// Written back and read again, the head is the same.
		head := AppendRequestHead(nil, req.Method, req.Target, req.Proto, req.Headers)
		again, err := NewReader(bytes.NewReader(head), Limits{}).ReadRequest()
		if err != nil {
			t.Fatalf("written back as %q: %v", head, err)
		}
		if again.Method != req.Method || again.Target != req.Target || again.Proto != req.Proto ||
			again.Major != req.Major || again.Minor != req.Minor || !reflect.DeepEqual(again.Headers, req.Headers) {
			t.Fatalf("read back from %q as %+v, was %+v", head, again, req)
		}
	})
}

func FuzzReadResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 5\r\n\r\nhelloNEXT"), "GET")
	f.Add([]byte("HTTP/1.1 200 OK\n\nHello, World! (from a raw socket)\n"), "GET")
	f.Add([]byte("HTTP/1.0 404 NOT FOUND\r\nServer: gunicorn\r\n\r\nno"), "HEAD")
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\nX: y\r\n\r\n"), "GET")
	f.Add([]byte("HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n"), "GET")
	f.Add([]byte("HTTP/1.1 403.1 Forbidden\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), "GET")
	f.Fuzz(func(t *testing.T, data []byte, method string) {
		src := bytes.NewReader(data)
		r := NewReader(src, NginxLimits())
		resp, err := r.ReadResponse(method)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Status != 502 && e.Status != 0 {
				t.Fatalf("status %d for a response", e.Status)
			}
			return
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return
		}
		want := resp.HeadSize
		switch {
		case resp.UntilClose:
			want = len(data)
		case resp.Chunked:
			refBody, end, ok := refChunked(data[want:], NginxLimits())
			if !ok || !bytes.Equal(refBody, body) {
				t.Fatalf("chunked body %q, the reference reads %q (ok %v)", body, refBody, ok)
			}
			want += end
		default:
			want += len(body)
			if len(body) > 0 && int64(len(body)) != resp.ContentLength {
				t.Fatalf("body of %d bytes, Content-Length %d", len(body), resp.ContentLength)
			}
		}
		if got := consumed(data, src, r); got != want {
			t.Fatalf("took %d bytes, the message has %d", got, want)
		}
		head := AppendResponseHead(nil, resp.Proto, resp.Status, resp.Reason, resp.Headers)
		again, err := NewReader(bytes.NewReader(head), Limits{}).ReadResponse(method)
		if err != nil {
			t.Fatalf("written back as %q: %v", head, err)
		}
		if again.Proto != resp.Proto || again.Status != resp.Status || again.Reason != resp.Reason ||
			!reflect.DeepEqual(validOnly(again.Headers), validOnly(resp.Headers)) {
			t.Fatalf("read back from %q as %+v, was %+v", head, again, resp)
		}
	})
}

// validOnly returns h without its Invalid lines.
func validOnly(h Headers) Headers {
	var out Headers
	for _, f := range h {
		if !f.Invalid {
			out = append(out, f)
		}
	}
	return out
}

func FuzzChunked(f *testing.F) {
	f.Add([]byte("5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\nNEXT"))
	f.Add([]byte("3\nabc\n0\n\n"))
	f.Add([]byte("0003 ; x\r\nabc\r\n0\r\n\r\n"))
	f.Add([]byte("fffffffffffffff\r\n"))
	f.Add([]byte("zz\r\n"))
	f.Add([]byte("3\r\nabc\r\n0\r\nbad trailer\r\n\r\r\n"))
	const head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
	f.Fuzz(func(t *testing.T, data []byte) {
		msg := append([]byte(head), data...)
		src := bytes.NewReader(msg)
		r := NewReader(src, NginxLimits())
		req, err := r.ReadRequest()
		if err != nil {
			t.Fatalf("head: %v", err)
		}
		body, err := io.ReadAll(req.Body)
		refBody, end, ok := refChunked(data, NginxLimits())
		if (err == nil) != ok {
			t.Fatalf("the Reader says %v, the reference says ok %v", err, ok)
		}
		if !ok {
			return
		}
		if !bytes.Equal(body, refBody) {
			t.Fatalf("body %q, the reference reads %q", body, refBody)
		}
		if got := consumed(msg, src, r); got != len(head)+end {
			t.Fatalf("took %d bytes, the message has %d", got, len(head)+end)
		}
		// The body, chunked again, reads back the same.
		var buf bytes.Buffer
		cw := NewChunkedWriter(&buf)
		_, _ = cw.Write(body[:len(body)/2])
		_, _ = cw.Write(body[len(body)/2:])
		_ = cw.Close()
		req, err = NewReader(io.MultiReader(bytes.NewReader([]byte(head)), &buf), NginxLimits()).ReadRequest()
		if err != nil {
			t.Fatal(err)
		}
		if again, err := io.ReadAll(req.Body); err != nil || !bytes.Equal(again, body) {
			t.Fatalf("chunked again and read back: %q, %v", again, err)
		}
	})
}

// refChunked decodes a chunked body with nginx 1.22's rules, written
// another way than the Reader (a line at a time), to check it against. It
// returns the body, where the message ends in b, and whether b holds a
// whole valid chunked body.
func refChunked(b []byte, lim Limits) (body []byte, end int, ok bool) {
	const maxSize = (1<<63 - 1) / 16
	pos := 0
	line := func() ([]byte, bool) {
		i := bytes.IndexByte(b[pos:], '\n')
		if i < 0 {
			return nil, false
		}
		l := b[pos : pos+i]
		pos += i + 1
		if j := bytes.IndexByte(l, '\r'); j >= 0 && j != len(l)-1 {
			return nil, false // a CR not followed by LF
		}
		return bytes.TrimSuffix(l, []byte("\r")), true
	}
	for {
		l, ok := line()
		if !ok {
			return nil, 0, false
		}
		var size int64
		i := 0
		for ; i < len(l); i++ {
			d, isHex := unhexRef(l[i])
			if !isHex {
				break
			}
			size = size*16 + d
			if size > maxSize {
				return nil, 0, false
			}
		}
		if i == 0 || i < len(l) && l[i] != ';' && l[i] != ' ' && l[i] != '\t' {
			return nil, 0, false
		}
		if size == 0 {
			break
		}
		if int64(len(b)-pos) < size {
			return nil, 0, false
		}
		body = append(body, b[pos:pos+int(size)]...)
		pos += int(size)
		switch {
		case bytes.HasPrefix(b[pos:], []byte("\r\n")):
			pos += 2
		case bytes.HasPrefix(b[pos:], []byte("\n")):
			pos++
		default:
			return nil, 0, false
		}
	}
	for count := 0; ; count++ {
		start := pos
		l, ok := line()
		if !ok {
			return nil, 0, false
		}
		if len(l) == 0 {
			return body, pos, true
		}
		if count >= lim.MaxHeaders || pos-start > lim.LargeBuffer {
			return nil, 0, false
		}
	}
}

func unhexRef(c byte) (int64, bool) {
	switch {
	case '0' <= c && c <= '9':
		return int64(c - '0'), true
	case 'a' <= c && c <= 'f':
		return int64(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return int64(c-'A') + 10, true
	}
	return 0, false
}
