package toolkit

import (
	"hash/adler32"
	"io"
	"io/fs"
	"mime"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// Export is one folder SharedData serves: the files of FS under the URL
// path Path ("/static").
type Export struct {
	Path string
	FS   fs.FS
}

// CacheTimeout is how long SharedData lets a client keep a file, as
// Werkzeug's default cache_timeout: twelve hours.
const CacheTimeout = 12 * time.Hour

// SharedData is Werkzeug's SharedDataMiddleware: a request for a file of
// one of the exports is answered with the file, with Werkzeug's headers
// (its own Date, an Etag, Cache-Control, Expires, Content-Type,
// Content-Length, Last-Modified) or 304 when the client has it already;
// any other request goes on to the app. A path that climbs out of its
// folder ("..") is no file.
func SharedData(exports ...Export) gateway.Middleware {
	return func(next gateway.App) gateway.App {
		return func(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
			p := ValidUTF8(env.String("PATH_INFO"))
			for _, e := range exports {
				prefix := strings.TrimSuffix(e.Path, "/") + "/"
				if !strings.HasPrefix(p, prefix) {
					continue
				}
				if f, info, ok := openExported(e.FS, p[len(prefix):]); ok {
					return serveFile(env, start, f, info, time.Now())
				}
			}
			return next(env, start)
		}
	}
}

// openExported opens name in fsys when it is a file there, refusing what
// Werkzeug's safe_join refuses: an absolute name, or one that climbs out.
func openExported(fsys fs.FS, name string) (fs.File, fs.FileInfo, bool) {
	if name == "" {
		return nil, nil, false
	}
	clean := path.Clean(name)
	if strings.HasPrefix(name, "/") || clean == ".." || strings.HasPrefix(clean, "../") || !fs.ValidPath(clean) {
		return nil, nil, false
	}
	f, err := fsys.Open(clean)
	if err != nil {
		return nil, nil, false
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, false
	}
	return f, info, true
}

// serveFile answers with a file as SharedDataMiddleware does.
func serveFile(env *gateway.Environ, start gateway.StartResponse, f fs.File, info fs.FileInfo, now time.Time) (gateway.Body, error) {
	mtime := info.ModTime().UTC()
	name := info.Name()
	etag := "wzsdm-" + ReprFloat(float64(mtime.Unix())+float64(mtime.Nanosecond()/1000)/1e6) + "-" +
		strconv.FormatInt(info.Size(), 10) + "-" + strconv.FormatUint(uint64(adler32.Checksum([]byte(name))), 10)
	h := http1.Headers{
		{Name: "Date", Value: HTTPDate(now)},
		{Name: "Etag", Value: `"` + etag + `"`},
		{Name: "Cache-Control", Value: "max-age=" + strconv.Itoa(int(CacheTimeout/time.Second)) + ", public"},
	}
	if !modified(env, etag, mtime) {
		f.Close()
		if err := start("304 Not Modified", h, nil); err != nil {
			return nil, err
		}
		return gateway.Chunks(), nil
	}
	h = append(h,
		http1.Header{Name: "Expires", Value: HTTPDate(now.Add(CacheTimeout))},
		http1.Header{Name: "Content-Type", Value: ContentTypeFor(guessType(name))},
		http1.Header{Name: "Content-Length", Value: strconv.FormatInt(info.Size(), 10)},
		http1.Header{Name: "Last-Modified", Value: HTTPDate(mtime)},
	)
	if err := start("200 OK", h, nil); err != nil {
		f.Close()
		return nil, err
	}
	return gateway.NewFileBody(f.(io.Reader), 0), nil
}

// guessType returns a file's mimetype from its extension, or
// application/octet-stream, Werkzeug's fallback.
func guessType(name string) string {
	t := mime.TypeByExtension(path.Ext(name))
	if t == "" {
		return "application/octet-stream"
	}
	t, _, _ = strings.Cut(t, ";")
	return t
}

// modified reports whether the client lacks the file, as Werkzeug's
// is_resource_modified: only GET and HEAD can be not modified, by an
// If-None-Match naming the Etag or else an If-Modified-Since not older
// than the file.
func modified(env *gateway.Environ, etag string, mtime time.Time) bool {
	if m := env.String("REQUEST_METHOD"); m != "GET" && m != "HEAD" {
		return true
	}
	if inm := env.String("HTTP_IF_NONE_MATCH"); inm != "" {
		for _, t := range ParseListHeader(inm) {
			t = strings.TrimPrefix(strings.TrimPrefix(t, "W/"), "w/")
			if t == "*" || strings.Trim(t, `"`) == etag {
				return false
			}
		}
		return true
	}
	if ims, err := time.Parse(time.RFC1123, env.String("HTTP_IF_MODIFIED_SINCE")); err == nil {
		return mtime.Truncate(time.Second).After(ims)
	}
	return true
}
