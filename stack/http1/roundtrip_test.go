package http1

// The writers below are the tests': the fuzz targets write what the
// Reader read and read it again, and must get the same message back.

import (
	"errors"
	"io"
	"strconv"
)

// AppendRequestHead appends a request head to dst and returns the result:
// the request line "method target proto", the headers in order as
// "Name: Value", each line ended by CRLF, then the empty line. With proto
// "" it writes an HTTP/0.9 simple request, "method target" CRLF, which has
// no headers: h is then ignored.
func AppendRequestHead(dst []byte, method, target, proto string, h Headers) []byte {
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, target...)
	if proto == "" {
		return append(dst, "\r\n"...)
	}
	dst = append(dst, ' ')
	dst = append(dst, proto...)
	dst = append(dst, "\r\n"...)
	return appendHeaders(dst, h)
}

// AppendResponseHead appends a response head to dst and returns the
// result: the status line "proto status reason" (the space before the
// reason is written even when reason is ""), the headers in order, each
// line ended by CRLF, then the empty line.
func AppendResponseHead(dst []byte, proto string, status int, reason string, h Headers) []byte {
	dst = append(dst, proto...)
	dst = append(dst, ' ')
	if status >= 0 && status < 100 {
		dst = append(dst, '0')
		if status < 10 {
			dst = append(dst, '0')
		}
	}
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, reason...)
	dst = append(dst, "\r\n"...)
	return appendHeaders(dst, h)
}

func appendHeaders(dst []byte, h Headers) []byte {
	for _, f := range h {
		dst = append(dst, f.Name...)
		dst = append(dst, ": "...)
		dst = append(dst, f.Value...)
		dst = append(dst, "\r\n"...)
	}
	return append(dst, "\r\n"...)
}

// NewChunkedWriter returns a writer that sends what is written to it to w
// as a chunked body: each Write with data becomes one chunk, in one Write
// to w ("1a\r\n" + data + "\r\n"). Close writes the last chunk, "0\r\n\r\n",
// without trailers; it does not close w.
func NewChunkedWriter(w io.Writer) io.WriteCloser {
	return &chunkedWriter{w: w}
}

type chunkedWriter struct {
	w      io.Writer
	buf    []byte
	closed bool
}

// errClosedWriter is returned by Write after Close.
var errClosedWriter = errors.New("http1: write to a closed chunked writer")

// Write writes p as one chunk. An empty p writes nothing, as an empty
// chunk would end the body.
func (cw *chunkedWriter) Write(p []byte) (int, error) {
	if cw.closed {
		return 0, errClosedWriter
	}
	if len(p) == 0 {
		return 0, nil
	}
	cw.buf = strconv.AppendInt(cw.buf[:0], int64(len(p)), 16)
	cw.buf = append(cw.buf, "\r\n"...)
	cw.buf = append(cw.buf, p...)
	cw.buf = append(cw.buf, "\r\n"...)
	if _, err := cw.w.Write(cw.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes the last chunk. Closing again does nothing.
func (cw *chunkedWriter) Close() error {
	if cw.closed {
		return nil
	}
	cw.closed = true
	_, err := io.WriteString(cw.w, "0\r\n\r\n")
	return err
}
