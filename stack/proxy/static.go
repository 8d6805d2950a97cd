package proxy

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
)

// A file under a root is opened through an os.Root, which refuses any path
// that leads out of it, a symlink's target included. nginx follows such
// symlinks unless disable_symlinks says otherwise; the lab never does, and
// answers as nginx with disable_symlinks on: 403, "Too many levels of
// symbolic links".

// roots keeps an os.Root open for each root and alias directory.
type roots struct {
	mu sync.Mutex
	m  map[string]*os.Root
}

func (rs *roots) get(dir string) (*os.Root, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if r, ok := rs.m[dir]; ok {
		return r, nil
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	rs.m[dir] = r
	return r, nil
}

func (rs *roots) close() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range rs.m {
		r.Close()
	}
	rs.m = map[string]*os.Root{}
}

// file is a file the request maps to: its root, its name in it, and its
// whole path as nginx logs it.
type file struct {
	root *os.Root
	name string
	path string
}

// mapPath maps a URI to a file, by root or alias, as nginx does: the
// root followed by the URI, or the alias followed by what of the URI
// comes after the location's prefix, glued on as it is. An alias without
// a trailing slash in a location with one ("location /static/ { alias
// html; }") makes /static/index.html the file htmlindex.html, beside the
// directory, not in it: nginx concatenates strings, and so does the lab.
// The file is opened in the directory it lands in.
func (r *request) mapPath(uri string) (file, error) {
	rest := uri
	if r.loc.alias && strings.HasPrefix(uri, r.loc.name) && r.loc.modifier != "~" && r.loc.modifier != "~*" {
		rest = uri[len(r.loc.name):]
	}
	f := file{path: r.loc.root + rest, name: strings.TrimPrefix(rest, "/")}
	dir := r.loc.root
	if rest != "" && !strings.HasPrefix(rest, "/") && !strings.HasSuffix(dir, "/") {
		// The rest joins the alias's last name: open it in the parent.
		if i := strings.LastIndexAny(dir, `/\`); i >= 0 {
			dir, f.name = dir[:i+1], dir[i+1:]+rest
		}
	}
	if f.name == "" {
		f.name = "."
	}
	root, err := r.c.rt.roots.get(dir)
	f.root = root
	return f, err
}

// statResult is a file looked up during a request.
type statResult struct {
	path string
	fi   fs.FileInfo
	err  error
}

// lookup maps a URI to a file and looks it up. A request looks at the
// same file several times on its way (try_files, index, the static
// module), as nginx does; the lab asks the file system once per request.
// A root that cannot be opened counts as the file not being there.
func (r *request) lookup(uri string) (file, fs.FileInfo, error) {
	f, err := r.mapPath(uri)
	for _, st := range r.stats {
		if st.path == f.path {
			return f, st.fi, st.err
		}
	}
	var fi fs.FileInfo
	if err == nil {
		fi, err = f.root.Stat(f.name)
		if _, ok := errno.Of(err); err != nil && !ok {
			err = outside(f, err)
		}
	}
	r.stats = append(r.stats, statResult{f.path, fi, err})
	return f, fi, err
}

// errOutside is a path the lab will not follow out of its directory,
// where nginx would find a file.
type errOutside struct{ err error }

func (e *errOutside) Error() string { return e.err.Error() }
func (e *errOutside) Unwrap() error { return e.err }

// outside words a path that os.Root refused because it leads out of the
// root or alias directory (a symlink, or an alias glued to "../"). nginx
// follows it: where nothing is there, its answer (404) is the lab's too;
// where a file is, nginx would serve it and the lab refuses.
func outside(f file, err error) error {
	if _, statErr := os.Stat(f.path); statErr != nil {
		if e, ok := errno.Of(statErr); ok && notFound(e) {
			return statErr
		}
	}
	return &errOutside{err}
}

// sysErr returns the errno nginx on Linux would have met, whatever the
// system: a path leading out of the root is ELOOP, as with
// disable_symlinks on.
func sysErr(err error) errno.Errno {
	if e, ok := errno.Of(err); ok {
		return e
	}
	return errno.ELOOP
}

// notFound reports whether nginx answers 404 to a failed open.
func notFound(e errno.Errno) bool {
	return e == errno.ENOENT || e == errno.ENOTDIR || e == errno.ENAMETOOLONG
}

// openFailed answers a file that cannot be opened as nginx's static
// module does.
func (r *request) openFailed(f file, err error) {
	e := sysErr(err)
	switch {
	case notFound(e):
		if r.loc.logNotFound {
			r.logError(levelError, fmt.Sprintf(`open() "%s" failed (%s)`, f.path, e))
		}
		r.sendError(404, "")
	case e == errno.EACCES || e == errno.ELOOP || e == errno.EMLINK:
		r.logError(levelError, fmt.Sprintf(`open() "%s" failed (%s)`, f.path, e))
		if errors.As(err, new(*errOutside)) {
			r.note(fmt.Sprintf(`nginx would have served this: "%s" leads out of the directory the location serves, `+
				`and nginx follows it there (disable_symlinks is off by default). The lab refuses it because it never `+
				`opens a file outside the directory a root or alias names, so that no request reaches the rest of `+
				`the machine; its answer and log line are nginx's with disable_symlinks on.`, f.path))
		}
		r.sendError(403, "")
	default:
		r.logError(levelCrit, fmt.Sprintf(`open() "%s" failed (%s)`, f.path, e))
		r.sendError(500, "")
	}
}

// allowedStatic reports whether the static module serves the method.
func allowedStatic(m string) bool { return m == "GET" || m == "HEAD" || m == "POST" }

// static serves r.uri from the file system, as nginx's static module.
func (r *request) static() {
	if !allowedStatic(r.method) {
		r.sendError(405, "")
		return
	}
	f, fi, err := r.lookup(r.uri)
	if err != nil {
		r.openFailed(f, err)
		return
	}
	if fi.IsDir() {
		loc := r.uri + "/"
		if r.args != "" {
			loc += "?" + r.args
		}
		r.sendError(301, loc)
		return
	}
	if !fi.Mode().IsRegular() {
		r.logError(levelCrit, fmt.Sprintf(`"%s" is not a regular file`, f.path))
		r.sendError(404, "")
		return
	}
	if r.method == "POST" {
		r.sendError(405, "")
		return
	}
	r.discardBody()
	r.serveFile(f, fi)
}

// serveFile answers with a file's headers, as conditions and ranges
// allow.
func (r *request) serveFile(f file, fi fs.FileInfo) {
	size, mod := fi.Size(), fi.ModTime().Truncate(time.Second)
	h := head{status: 200, contentType: r.contentType(), contentLength: size, lastModified: mod}
	etag := ""
	if r.loc.etag {
		etag = appendETag(nil, fi.ModTime().Unix(), size)
		h.others = append(h.others, http1.Header{Name: "ETag", Value: etag})
	}
	h.others = append(h.others, http1.Header{Name: "Accept-Ranges", Value: "bytes"})
	if status := r.preconditions(mod, etag); status != 0 {
		if status == 412 {
			r.sendError(412, "")
			return
		}
		h.status, h.contentType, h.contentLength = 304, "", -1
		h.others = h.others[:len(h.others)-1]
		r.sendHead(&h)
		return
	}
	body, err := r.c.rt.files.content(f, fi)
	if err != nil {
		r.openFailed(f, err)
		return
	}
	defer body.Close()
	if r.ranges(&h, body, size) {
		return
	}
	r.sendBody(&h, body, 0, size)
}

// appendETag forms an ETag as nginx does: the modification time and the
// size in hex, quoted.
func appendETag(dst []byte, mtime, size int64) string {
	dst = append(dst, '"')
	dst = strconv.AppendInt(dst, mtime, 16)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, size, 16)
	return string(append(dst, '"'))
}

// sendHead writes a head with no body at all.
func (r *request) sendHead(h *head) {
	r.status = h.status
	if r.http09 {
		return
	}
	buf := r.appendHead(r.c.buf[:0], h)
	r.write(buf, len(buf))
	r.c.buf = buf[:0]
}

// sendBody writes the head and n bytes of body from off.
func (r *request) sendBody(h *head, body fileBody, off, n int64) {
	r.status = h.status
	buf := r.c.buf[:0]
	if !r.http09 {
		buf = r.appendHead(buf, h)
	}
	headLen := len(buf)
	if r.method == "HEAD" && !r.http09 {
		n = 0
	}
	if data := body.bytes(); data != nil {
		buf = append(buf, data[off:off+n]...)
		r.write(buf, headLen)
		r.c.buf = buf[:0]
		return
	}
	r.write(buf, headLen)
	r.c.buf = buf[:0]
	if n == 0 || r.writeFailed {
		return
	}
	r.c.setWriteDeadline(r.sendTimeout())
	sent, err := io.Copy(r.c.nc, io.NewSectionReader(body, off, n))
	r.bodySent += sent
	r.bytesSent += sent
	if err != nil || sent < n {
		r.writeFailed = true
		r.keepAlive = false
	}
}

// fileBody is a file's content: in memory from the cache, or an open file.
type fileBody interface {
	io.ReaderAt
	io.Closer
	bytes() []byte // the whole content when in memory, else nil
}

// memBody is a cached file's content.
type memBody []byte

func (m memBody) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(m)) {
		return 0, io.EOF
	}
	n := copy(p, m[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
func (m memBody) Close() error  { return nil }
func (m memBody) bytes() []byte { return m }

// osBody is a file too large to cache.
type osBody struct{ *os.File }

func (osBody) bytes() []byte { return nil }

// fileCache keeps small files in memory. An entry is used only while the
// file's size and modification time are those it was read with, and it is
// the same file (os.SameFile: the same inode on Unix, file index on
// Windows), as the request has just looked it up, so a changed or replaced
// file is read again.
type fileCache struct {
	mu sync.Mutex
	m  map[string]*cached
}

type cached struct {
	fi   fs.FileInfo // as the file was when read
	data memBody
}

const (
	maxCachedFile  = 64 << 10
	maxCachedFiles = 512
)

// unchanged reports whether now describes the same file as was, with the
// same size and modification time.
func unchanged(was, now fs.FileInfo) bool {
	return now.Size() == was.Size() && now.ModTime().Equal(was.ModTime()) && os.SameFile(was, now)
}

// content returns the content of the file fi describes.
func (fc *fileCache) content(f file, fi fs.FileInfo) (fileBody, error) {
	fc.mu.Lock()
	c, ok := fc.m[f.path]
	fc.mu.Unlock()
	if ok && unchanged(c.fi, fi) {
		return c.data, nil
	}
	osf, err := f.root.Open(f.name)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxCachedFile {
		return osBody{osf}, nil
	}
	defer osf.Close()
	data := make([]byte, fi.Size())
	if _, err := io.ReadFull(osf, data); err != nil {
		return nil, err
	}
	now, err := osf.Stat()
	if err != nil || !unchanged(fi, now) {
		return memBody(data), nil // changed while read: serve it, keep nothing
	}
	fc.mu.Lock()
	if len(fc.m) >= maxCachedFiles {
		clear(fc.m)
	}
	fc.m[f.path] = &cached{fi: fi, data: data}
	fc.mu.Unlock()
	return memBody(data), nil
}
