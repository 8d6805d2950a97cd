package proxy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// spool holds a body in memory up to limit bytes, and whole in a file
// once it grows past that, as nginx buffers a request body
// (client_body_buffer_size, client_body_temp_path) or an upstream's
// answer.
type spool struct {
	limit  int                      // the most bytes held in memory
	create func() (*os.File, error) // makes the file; nil: one in the system's temporary directory
	mem    []byte                   // the body while it fits in memory
	file   *os.File                 // the body once it did not
	size   int64                    // bytes written so far
}

// answerMemory is how much of an upstream's answer a spool holds in
// memory before it goes to a file.
const answerMemory = 1 << 20

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && len(s.mem)+len(p) <= s.limit {
		s.mem = append(s.mem, p...)
		s.size += int64(len(p))
		return len(p), nil
	}
	if s.file == nil {
		if err := s.toFile(); err != nil {
			return 0, err
		}
	}
	n, err := s.file.Write(p)
	s.size += int64(n)
	return n, err
}

// toFile moves what the spool holds to a new file, which takes all that
// comes after.
func (s *spool) toFile() error {
	create := s.create
	if create == nil {
		create = func() (*os.File, error) { return os.CreateTemp("", tempPattern("body-")) }
	}
	f, err := create()
	if err != nil {
		return err
	}
	s.file = f
	if _, err := f.Write(s.mem); err != nil {
		return err
	}
	s.mem = nil
	return nil
}

// reader reads the whole body from its start.
func (s *spool) reader() io.Reader {
	if s.file == nil {
		return bytes.NewReader(s.mem)
	}
	return io.NewSectionReader(s.file, 0, s.size)
}

// small returns the body when it is all in memory.
func (s *spool) small() ([]byte, bool) { return s.mem, s.file == nil }

// close removes the file, if any: nginx removes a temporary file when
// its request ends.
func (s *spool) close() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
}

// errClientGone says the client closed the connection while its request
// was read; nginx answers nothing then.
var errClientGone = errors.New("client gone")

// readBody reads the whole request body before anything goes upstream,
// as nginx does with proxy_request_buffering on: in memory when what is
// left to read after the head is less than client_body_buffer_size and a
// quarter, else in client_body_buffer_size pieces to a file under
// client_body_temp_path, with nginx's warning in the error log. A chunked
// body longer than client_max_body_size is 413; a client too slow is
// 408, one that leaves gets nothing. On an error it has answered.
func (r *request) readBody() (*spool, error) {
	r.expect()
	hr := r.hr
	if hr.ContentLength <= 0 && !hr.Chunked {
		if hr.ContentLength == 0 {
			r.bodyLength = 0
		}
		r.body = spool{}
		return &r.body, nil
	}
	size := int(r.loc.bodyBuffer)
	r.body = spool{limit: size, create: func() (*os.File, error) {
		f, err := r.c.rt.temp.create(r.loc.bodyTemp)
		if err == nil {
			r.logError(levelWarn, "a client request body is buffered to a temporary file "+f.Name())
		}
		return f, err
	}}
	s := &r.body
	rest := hr.ContentLength - int64(r.c.rp.rd.Buffered())
	switch {
	case hr.Chunked:
	case rest < int64(size+size/4):
		s.limit = int(hr.ContentLength)
		size = s.limit
	default:
		s.limit = 0
	}
	maxBody := r.loc.maxBody
	buf := make([]byte, max(size, 1))
	for {
		r.c.setReadDeadline(time.Now(), r.loc.bodyTimeout)
		n, err := io.ReadFull(hr.Body, buf)
		if n > 0 {
			if hr.Chunked && maxBody > 0 && s.size+int64(n) > maxBody {
				s.close()
				r.logError(levelError, fmt.Sprintf("client intended to send too large chunked body: %d bytes", s.size+int64(n)))
				r.bodyLength = s.size
				r.sendError(413, "")
				return nil, errClientGone
			}
			if _, werr := s.Write(buf[:n]); werr != nil {
				s.close()
				r.logError(levelCrit, "cannot buffer the request body: "+werr.Error())
				r.sendError(500, "")
				return nil, werr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF { // the body's end, short of a whole buf
			r.bodyLength = s.size
			return s, nil
		}
		if err != nil {
			s.close()
			r.bodyLength = s.size
			return nil, r.bodyFailed(err)
		}
	}
}

// bodyFailed answers a body that could not be read.
func (r *request) bodyFailed(err error) error {
	var he *http1.Error
	switch {
	case errors.As(err, &he):
		r.logError(levelInfo, he.Detail)
		r.sendError(he.Status, "")
	case isTimeout(err):
		r.logError(levelInfo, "client timed out (110: Connection timed out) while reading client request body")
		r.status, r.keepAlive = 408, false
	default:
		r.logError(levelInfo, "client prematurely closed connection while reading client request body")
		r.status, r.keepAlive = 400, false
	}
	return errClientGone
}
