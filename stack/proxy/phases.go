package proxy

import (
	"fmt"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
)

// tryFiles carries out try_files: the first parameter naming a file (or,
// with a trailing slash, a directory) that exists becomes the URI; when
// none does, the last parameter decides: a code to answer with, a named
// location, or a URI to redirect to. It returns where to go next, or done
// when it answered.
func (r *request) tryFiles() (next *target, done bool) {
	params := r.loc.tryFiles
	if len(params) == 0 {
		return nil, false
	}
	for i, p := range params {
		last := i == len(params)-1
		switch {
		case p.code != 0:
			r.sendError(p.code, "")
			return nil, true
		case p.named != "":
			l, ok := r.srv.named[p.named]
			if !ok {
				r.logError(levelError, fmt.Sprintf(`could not find named location "%s"`, p.named))
				r.sendError(500, "")
				return nil, true
			}
			return &target{named: l}, false
		case last:
			return &target{uri: p.name.eval(r)}, false
		}
		name := p.name.eval(r)
		if name == "" || name[0] != '/' {
			name = "/" + name
		}
		f, fi, err := r.lookup(name)
		if err != nil {
			if e := sysErr(err); !notFound(e) {
				r.logError(levelCrit, fmt.Sprintf(`stat() "%s" failed (%s)`, f.path, e))
			}
			continue
		}
		if fi.IsDir() != p.dir {
			continue
		}
		if !r.loc.alias {
			r.uri = name
			r.internal = true
		}
		return nil, false
	}
	return nil, false
}

// index carries out the index module for a URI ending in '/': the first
// index file that exists is where the request goes next. When none does,
// it answers 404 if the directory is missing, else 403, as nginx does
// with autoindex off. nginx's 404 names the first index file it tried.
func (r *request) index() (string, bool) {
	if !allowedStatic(r.method) {
		r.sendError(405, "")
		return "", false
	}
	first := ""
	for _, name := range r.loc.index {
		if strings.HasPrefix(name, "/") {
			return name, true
		}
		f, _, err := r.lookup(r.uri + name)
		if err == nil {
			return r.uri + name, true
		}
		if e := sysErr(err); !notFound(e) {
			r.logError(levelError, fmt.Sprintf(`"%s" is forbidden (%s)`, f.path, e))
			r.sendError(403, "")
			return "", false
		}
		if first == "" {
			first = f.path
		}
	}
	dir, fi, err := r.lookup(r.uri)
	if err != nil || !fi.IsDir() {
		if r.loc.logNotFound {
			e := errno.ENOTDIR
			if err != nil {
				e = sysErr(err)
			}
			if first == "" {
				first = dir.path
			}
			r.logError(levelError, fmt.Sprintf(`"%s" is not found (%s)`, first, e))
		}
		r.sendError(404, "")
		return "", false
	}
	r.logError(levelError, fmt.Sprintf(`directory index of "%s" is forbidden`, dir.path))
	r.sendError(403, "")
	return "", false
}
