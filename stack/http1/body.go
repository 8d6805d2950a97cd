package http1

import (
	"bytes"

	"io"
	"strings"
)

// bodyMode is how a body is delimited.
type bodyMode uint8

const (
	bodyNone       bodyMode = iota // no body at all
	bodyLength                     // Content-Length bytes
	bodyChunked                    // chunks up to the last, empty one
	bodyUntilClose                 // everything until the peer closes
)

// body reads one message's body from its Reader, and never past it.
type body struct {
	r        *Reader
	mode     bodyMode
	upstream bool     // the body is a response's: errors are worded so
	left     int64    // bytes left in the body, or in the current chunk
	chunk    uint8    // where a chunked body stands, see below
	trailers *Headers // where a chunked body's trailers go
	pending  []byte   // bytes read before the body started, to give first
	err      error    // the error every later Read returns, io.EOF at the end
}

// Where a chunked body stands between two Reads.
const (
	chunkSize = iota // at a chunk-size line
	chunkData        // in a chunk's data, left bytes to go
	chunkEnd         // after a chunk's data, at its line end
)

// Read reads from the body.
func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	var n int
	switch b.mode {
	case bodyNone:
		b.err = io.EOF
	case bodyLength:
		n, b.err = b.readLength(p)
	case bodyChunked:
		n, b.err = b.readChunked(p)
	case bodyUntilClose:
		if len(b.pending) > 0 {
			n = copy(p, b.pending)
			b.pending = b.pending[n:]
			return n, nil
		}
		n, b.err = b.r.br.Read(p)
	}
	if n > 0 && b.err == io.EOF {
		return n, nil // give io.EOF on the next call, with no bytes
	}
	return n, b.err
}

func (b *body) readLength(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.br.Read(p)
	b.left -= int64(n)
	switch {
	case b.left == 0:
		return n, io.EOF
	case err == io.EOF:
		return n, truncated("body", err)
	}
	return n, err
}

// readChunked reads a chunked body the way nginx 1.22 does
// (ngx_http_parse_chunked): a chunk size in hex, then optionally spaces,
// tabs or ';' and anything up to the line end; a line end is CRLF or LF;
// after the last chunk, trailer lines up to an empty line.
func (b *body) readChunked(p []byte) (int, error) {
	for {
		switch b.chunk {
		case chunkSize:
			size, err := b.readChunkSize()
			if err != nil {
				return 0, err
			}
			if size == 0 {
				return 0, b.readTrailers()
			}
			b.left, b.chunk = size, chunkData
		case chunkData:
			if len(p) == 0 {
				return 0, nil
			}
			if int64(len(p)) > b.left {
				p = p[:b.left]
			}
			n, err := b.r.br.Read(p)
			b.left -= int64(n)
			if b.left == 0 {
				b.chunk = chunkEnd
			}
			if err == io.EOF {
				return n, truncated("chunked body", err)
			}
			return n, err
		case chunkEnd:
			if err := b.lineEnd(); err != nil {
				return 0, err
			}
			b.chunk = chunkSize
		}
	}
}

// readChunkSize reads a chunk-size line, extensions included.
func (b *body) readChunkSize() (int64, error) {
	c, err := b.byte()
	if err != nil {
		return 0, err
	}
	size, ok := unhex(c)
	if !ok {
		return 0, b.invalid()
	}
	for {
		if c, err = b.byte(); err != nil {
			return 0, err
		}
		if size > (1<<63-1)/16 {
			return 0, b.invalid()
		}
		if d, ok := unhex(c); ok {
			size = size*16 + d
			continue
		}
		switch c {
		case '\r', '\n':
			err = b.afterCR(c)
		case ';', ' ', '\t':
			err = b.skipLine()
		default:
			err = b.invalid()
		}
		if size > 1<<63-1-5 {
			err = b.invalid()
		}
		return size, err
	}
}

// lineEnd reads the CRLF or LF after a chunk's data.
func (b *body) lineEnd() error {
	c, err := b.byte()
	if err != nil {
		return err
	}
	if c != '\r' && c != '\n' {
		return b.invalid()
	}
	return b.afterCR(c)
}

// afterCR reads the LF that must follow c when c is a CR.
func (b *body) afterCR(c byte) error {
	if c == '\n' {
		return nil
	}
	c, err := b.byte()
	if err != nil {
		return err
	}
	if c != '\n' {
		return b.invalid()
	}
	return nil
}

// skipLine skips the rest of a line; a CR in it must come before its LF.
func (b *body) skipLine() error {
	for {
		c, err := b.byte()
		if err != nil {
			return err
		}
		if c == '\r' || c == '\n' {
			return b.afterCR(c)
		}
	}
}

// readTrailers reads the trailer lines after the last chunk, and the empty
// line that ends them. nginx skips them without a look; here each becomes
// a Header (Invalid when it has no colon, or a name nginx would refuse).
// They are bounded by MaxHeaderLine (else LargeBuffer) and MaxHeaders.
func (b *body) readTrailers() error {
	max := b.r.lim.MaxHeaderLine
	if max <= 0 {
		max = b.r.lim.LargeBuffer
	}
	for count := 0; ; count++ {
		c, err := b.byte()
		if err != nil {
			return err
		}
		if c == '\r' || c == '\n' {
			if err := b.afterCR(c); err != nil {
				return err
			}
			return io.EOF
		}
		if lim := b.r.lim.MaxHeaders; lim > 0 && count >= lim {
			return b.invalid()
		}
		if err := b.r.br.UnreadByte(); err != nil {
			return err
		}
		start := len(b.r.head)
		line, tooLong, err := b.r.readLine(max)
		b.r.head = b.r.head[:start]
		switch {
		case tooLong:
			return b.invalid()
		case err != nil:
			return truncated("trailers", err)
		}
		line = bytesTrimCR(line)
		if bytes.IndexByte(line, '\r') >= 0 {
			return b.invalid()
		}
		*b.trailers = append(*b.trailers, trailer(string(line)))
	}
}

// trailer takes a trailer line apart, leniently.
func trailer(line string) Header {
	name, value, found := strings.Cut(line, ":")
	h := Header{Name: name, Value: strings.Trim(value, " \t")}
	h.Invalid = !found || name == ""
	for i := 0; i < len(name) && !h.Invalid; i++ {
		c := name[i]
		h.Invalid = !isLetter(c) && !isDigit(c) && c != '-'
	}
	return h
}

func bytesTrimCR(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\r' {
		return b[:len(b)-1]
	}
	return b
}

// byte reads one byte of a chunked body's framing.
func (b *body) byte() (byte, error) {
	c, err := b.r.br.ReadByte()
	if err != nil {
		return 0, truncated("chunked body", err)
	}
	return c, nil
}

func (b *body) invalid() error {
	if b.upstream {
		return badUpstream("upstream sent invalid chunked response")
	}
	return badRequest("client sent invalid chunked body")
}

func unhex(c byte) (int64, bool) {
	switch {
	case isDigit(c):
		return int64(c - '0'), true
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return int64(c|0x20-'a') + 10, true
	}
	return 0, false
}
