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

// spool holds a body, in memory up to memLimit bytes and in a temporary
// file beyond, as nginx buffers bodies (client_body_buffer_size,
// proxy_max_temp_file_size).
type spool struct {
	mem  bytes.Buffer
	file *os.File
	size int64
}

const memLimit = 1 << 20

func (s *spool) Write(p []byte) (int, error) {
	s.size += int64(len(p))
	if s.file == nil && s.mem.Len()+len(p) <= memLimit {
		return s.mem.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "ngw2f-lab-proxy-body-")
		if err != nil {
			return 0, err
		}
		os.Remove(f.Name())
		s.file = f
	}
	return s.file.Write(p)
}

// reader reads the whole body from its start.
func (s *spool) reader() io.Reader {
	if s.file == nil {
		return bytes.NewReader(s.mem.Bytes())
	}
	return io.MultiReader(bytes.NewReader(s.mem.Bytes()), io.NewSectionReader(s.file, 0, s.size-int64(s.mem.Len())))
}

// small returns the body when it is all in memory.
func (s *spool) small() ([]byte, bool) { return s.mem.Bytes(), s.file == nil }

func (s *spool) close() {
	if s.file != nil {
		s.file.Close()
	}
}

// errClientGone says the client closed the connection while its request
// was read; nginx answers nothing then.
var errClientGone = errors.New("client gone")

// readBody reads the whole request body before anything goes upstream,
// as nginx does with proxy_request_buffering on. A chunked body longer
// than client_max_body_size is 413; a client too slow is 408, one that
// leaves gets nothing. On an error it has answered.
func (r *request) readBody() (*spool, error) {
	r.expect()
	s := &spool{}
	hr := r.hr
	if hr.ContentLength <= 0 && !hr.Chunked {
		if hr.ContentLength == 0 {
			r.bodyLength = 0
		}
		return s, nil
	}
	max := r.loc.maxBody
	buf := make([]byte, 32<<10)
	for {
		r.c.nc.SetReadDeadline(time.Now().Add(r.loc.bodyTimeout))
		n, err := hr.Body.Read(buf)
		if n > 0 {
			if hr.Chunked && max > 0 && s.size+int64(n) > max {
				r.logError(levelError, fmt.Sprintf("client intended to send too large chunked body: %d bytes", s.size+int64(n)))
				r.bodyLength = s.size
				r.sendError(413, "")
				return nil, errClientGone
			}
			if _, werr := s.Write(buf[:n]); werr != nil {
				r.logError(levelCrit, "cannot buffer the request body: "+werr.Error())
				r.sendError(500, "")
				return nil, werr
			}
		}
		if err == io.EOF {
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
