package proxy

import (
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// preconditions applies nginx's not-modified filter to a 200 answer with
// the given Last-Modified and ETag: 412 when If-Unmodified-Since or
// If-Match fails, 304 when If-Modified-Since and If-None-Match say the
// client's copy is current, else 0.
func (r *request) preconditions(mod time.Time, etag string) int {
	h := r.hr.Headers
	if v := h.Get("If-Unmodified-Since"); v != "" {
		t, err := http1.ParseDate(v)
		if err != nil || t.Before(mod) {
			return 412
		}
	}
	if v := h.Get("If-Match"); v != "" && !etagMatches(v, etag, false) {
		return 412
	}
	ims, inm := h.Get("If-Modified-Since"), h.Get("If-None-Match")
	if ims == "" && inm == "" {
		return 0
	}
	if ims != "" && r.modifiedSince(ims, mod) {
		return 0
	}
	if inm != "" && !etagMatches(inm, etag, true) {
		return 0
	}
	return 304
}

// modifiedSince reports whether a file changed since the date the client
// sent, as if_modified_since says to compare.
func (r *request) modifiedSince(v string, mod time.Time) bool {
	t, err := http1.ParseDate(v)
	switch r.loc.ifModifiedSince {
	case "off":
		return true
	case "before":
		return err != nil || t.Before(mod)
	}
	return err != nil || !t.Equal(mod)
}

// etagMatches reports whether a list of entity tags ("*" for any) holds
// etag; weak compares them without their "W/".
func etagMatches(list, etag string, weak bool) bool {
	if etag == "" {
		return false
	}
	if strings.TrimSpace(list) == "*" {
		return true
	}
	if weak {
		etag = strings.TrimPrefix(etag, "W/")
	}
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if weak {
			t = strings.TrimPrefix(t, "W/")
		}
		if t == etag {
			return true
		}
	}
	return false
}

// byteRange is a range of a file, end excluded.
type byteRange struct{ start, end int64 }

// Outcomes of reading a Range header.
const (
	rangeIgnore = iota // send the whole file
	rangeOK
	rangeNotSatisfiable
)

// parseRanges reads a Range header's value the way nginx does
// (ngx_http_range_parse), for a file of size bytes; max bounds the
// number of ranges (-1: no bound).
func parseRanges(v string, size int64, max int) ([]byteRange, int) {
	if len(v) < 7 || !strings.EqualFold(v[:6], "bytes=") {
		return nil, rangeIgnore
	}
	p := v[6:]
	var out []byteRange
	var total int64
	for {
		var start, end int64
		suffix := false
		p = strings.TrimLeft(p, " ")
		if !strings.HasPrefix(p, "-") {
			n, rest, ok := digits(p)
			if !ok {
				return nil, rangeNotSatisfiable
			}
			start, p = n, strings.TrimLeft(rest, " ")
			if !strings.HasPrefix(p, "-") {
				return nil, rangeNotSatisfiable
			}
			p = strings.TrimLeft(p[1:], " ")
			if p == "" || p[0] == ',' {
				end = size
				goto found
			}
		} else {
			suffix, p = true, p[1:]
		}
		{
			n, rest, ok := digits(p)
			if !ok {
				return nil, rangeNotSatisfiable
			}
			end, p = n, strings.TrimLeft(rest, " ")
			if p != "" && p[0] != ',' {
				return nil, rangeNotSatisfiable
			}
			if suffix {
				start = 0
				if end < size {
					start = size - end
				}
				end = size - 1
			}
			if end >= size {
				end = size
			} else {
				end++
			}
		}
	found:
		if start < end {
			out = append(out, byteRange{start, end})
			total += end - start
			if max >= 0 && len(out) > max {
				return nil, rangeIgnore
			}
		} else if start == 0 {
			return nil, rangeIgnore
		}
		if p == "" || p[0] != ',' {
			break
		}
		p = p[1:]
	}
	if len(out) == 0 {
		return nil, rangeNotSatisfiable
	}
	if total > size {
		return nil, rangeIgnore
	}
	return out, rangeOK
}

// digits reads a decimal number at the start of s.
func digits(s string) (int64, string, bool) {
	i := 0
	var n int64
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if n > (1<<63-1-9)/10 {
			return 0, s, false
		}
		n = n*10 + int64(s[i]-'0')
		i++
	}
	return n, s[i:], i > 0
}

// ranges answers a Range request for a file's 200 answer h, as nginx's
// range filter does, and reports whether it answered.
func (r *request) ranges(h *head, body fileBody, size int64) bool {
	v := r.hr.Headers.Get("Range")
	if v == "" || r.http09 || r.loc.maxRanges == 0 {
		return false
	}
	if ir := r.hr.Headers.Get("If-Range"); ir != "" && !r.ifRangeHolds(ir, h) {
		return false
	}
	rs, outcome := parseRanges(v, size, r.loc.maxRanges)
	switch outcome {
	case rangeIgnore:
		return false
	case rangeNotSatisfiable:
		r.rangeError = "bytes */" + strconv.FormatInt(size, 10)
		r.sendError(416, "")
		return true
	}
	h.status = 206
	h.others = h.others[:len(h.others)-1] // no Accept-Ranges
	if len(rs) == 1 {
		b := rs[0]
		h.contentLength = b.end - b.start
		h.others = append(h.others, http1.Header{Name: "Content-Range",
			Value: "bytes " + strconv.FormatInt(b.start, 10) + "-" + strconv.FormatInt(b.end-1, 10) + "/" + strconv.FormatInt(size, 10)})
		r.sendBody(h, body, b.start, b.end-b.start)
		return true
	}
	r.sendMultipart(h, body, size, rs)
	return true
}

// ifRangeHolds reports whether If-Range names the file as it is: its
// ETag, or its Last-Modified date exactly.
func (r *request) ifRangeHolds(v string, h *head) bool {
	if strings.HasPrefix(v, `"`) {
		for _, f := range h.others {
			if f.Name == "ETag" {
				return f.Value == v
			}
		}
		return false
	}
	t, err := http1.ParseDate(v)
	return err == nil && t.Equal(h.lastModified)
}

// sendMultipart answers several ranges as multipart/byteranges, with a
// boundary from a counter, as nginx makes it.
func (r *request) sendMultipart(h *head, body fileBody, size int64, rs []byteRange) {
	boundary := strconv.FormatUint(r.c.rt.boundary.Add(1), 10)
	boundary = strings.Repeat("0", 20-len(boundary)) + boundary
	var out []byte
	for _, b := range rs {
		out = append(out, "\r\n--"+boundary+"\r\nContent-Type: "+h.contentType+"\r\nContent-Range: bytes "+
			strconv.FormatInt(b.start, 10)+"-"+strconv.FormatInt(b.end-1, 10)+"/"+strconv.FormatInt(size, 10)+"\r\n\r\n"...)
		part := make([]byte, b.end-b.start)
		if _, err := body.ReadAt(part, b.start); err != nil {
			r.sendError(500, "")
			return
		}
		out = append(out, part...)
	}
	out = append(out, "\r\n--"+boundary+"--\r\n"...)
	h.contentType = "multipart/byteranges; boundary=" + boundary
	h.contentLength = int64(len(out))
	r.sendBody(h, memBody(out), 0, int64(len(out)))
}
