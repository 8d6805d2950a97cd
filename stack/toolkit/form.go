package toolkit

import (
	"errors"
	"regexp"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/lazy"
)

// FileStorage is an uploaded file of a multipart form, as Werkzeug's.
type FileStorage struct {
	Name     string        // the form field's name
	Filename string        // the name the client gave the file
	Headers  http1.Headers // the part's own headers
	Data     []byte
}

// ContentType returns the part's Content-Type.
func (f *FileStorage) ContentType() string { return f.Headers.Get("Content-Type") }

// String writes f as Python's repr does:
// <FileStorage: 'a.txt' ('text/plain')>.
func (f *FileStorage) String() string {
	return "<FileStorage: " + Repr(f.Filename) + " (" + Repr(f.ContentType()) + ")>"
}

// Files holds the uploaded files of a form by field name, in order.
type Files struct {
	names []string
	files []*FileStorage
}

// Get returns the first file sent under name, or nil.
func (fs *Files) Get(name string) *FileStorage {
	for i, n := range fs.names {
		if n == name {
			return fs.files[i]
		}
	}
	return nil
}

// All returns every file, in the order they came.
func (fs *Files) All() []*FileStorage { return append([]*FileStorage(nil), fs.files...) }

func (fs *Files) add(f *FileStorage) {
	fs.names = append(fs.names, f.Name)
	fs.files = append(fs.files, f)
}

// ParseForm parses a request body as Werkzeug's form parser does for the
// given Content-Type: application/x-www-form-urlencoded as a query string,
// multipart/form-data into fields and files. Any other type, and a body
// the parser cannot read, gives an empty form and no error, as Werkzeug's
// parser is silent; the only error is a form too big (413).
func ParseForm(contentType string, body []byte, maxMemory int64) (*MultiDict, *Files, error) {
	mimetype, opts := ParseOptionsHeader(contentType)
	switch strings.ToLower(mimetype) {
	case "application/x-www-form-urlencoded":
		if maxMemory > 0 && int64(len(body)) > maxMemory {
			return nil, nil, Abort(413)
		}
		return DecodeQuery(string(body)), &Files{}, nil
	case "multipart/form-data":
		form, files, err := parseMultipart(body, opts["boundary"])
		if err != nil {
			return &MultiDict{}, &Files{}, nil
		}
		return form, files, nil
	}
	return &MultiDict{}, &Files{}, nil
}

// Multipart's line breaks are CRLF by RFC 7578, but Werkzeug also takes
// a lone CR or LF, as many clients send them.
var (
	blankLine         = lazy.Regexp(`\r\n\r\n|\r\r|\n\n`)
	headerContinued   = lazy.Regexp(`(?:\r\n|\n|\r)[ \t]`)
	multipartLineEnds = lazy.Regexp(`\r\n|\n|\r`)
)

var errMultipart = errors.New("toolkit: invalid multipart form")

// parseMultipart reads a whole multipart/form-data body as Werkzeug's
// MultipartDecoder does: a preamble up to the first boundary, then parts,
// each with headers (which must have a Content-Disposition), a blank line
// and data up to the next boundary, until the closing boundary.
func parseMultipart(body []byte, boundary string) (*MultiDict, *Files, error) {
	if boundary == "" {
		return nil, nil, errMultipart
	}
	q := regexp.QuoteMeta(boundary)
	preamble := regexp.MustCompile(`(?:\r\n|\n|\r)?--` + q + `(--[^\S\n\r]*(?:\r\n|\n|\r)?|[^\S\n\r]*(?:\r\n|\n|\r))`)
	delim := regexp.MustCompile(`(?:\r\n|\n|\r)--` + q + `(--[^\S\n\r]*(?:\r\n|\n|\r)?|[^\S\n\r]*(?:\r\n|\n|\r))`)
	form, files := &MultiDict{}, &Files{}
	m := preamble.FindSubmatchIndex(body)
	if m == nil {
		return nil, nil, errMultipart
	}
	last := strings.HasPrefix(string(body[m[2]:m[3]]), "--")
	body = body[m[1]:]
	for !last {
		b := blankLine().FindIndex(body)
		if b == nil {
			return nil, nil, errMultipart
		}
		headers, ok := partHeaders(body[:b[0]])
		body = body[b[1]:]
		if !ok || !headers.Has("Content-Disposition") {
			return nil, nil, errMultipart
		}
		_, opts := ParseOptionsHeader(headers.Get("Content-Disposition"))
		d := delim.FindSubmatchIndex(body)
		if d == nil {
			return nil, nil, errMultipart
		}
		data := body[:d[0]]
		last = strings.HasPrefix(string(body[d[2]:d[3]]), "--")
		body = body[d[1]:]
		if filename, ok := opts["filename"]; ok {
			files.add(&FileStorage{Name: opts["name"], Filename: filename, Headers: headers, Data: append([]byte(nil), data...)})
		} else {
			form.Add(opts["name"], ValidUTF8(string(data)))
		}
	}
	return form, files, nil
}

// partHeaders reads a part's header lines, continued lines joined; ok is
// false when a line has no colon.
func partHeaders(raw []byte) (h http1.Headers, ok bool) {
	for _, line := range multipartLineEnds().Split(headerContinued().ReplaceAllString(string(raw), " "), -1) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, found := strings.Cut(strings.TrimSpace(line), ":")
		if !found {
			return nil, false
		}
		h = h.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	return h, true
}
