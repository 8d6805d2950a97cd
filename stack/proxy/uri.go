package proxy

import (
	"errors"
	"strings"
)

// errBadURI is a request target nginx refuses: an invalid %-escape, an
// escaped NUL, or ".." above the root.
var errBadURI = errors.New("client sent invalid request")

// splitTarget splits a request target as nginx does: an absolute-form
// target ("http://host/path") gives its host; the path ends at '?' (the
// arguments follow) or '#'.
func splitTarget(target string) (host, path, args string) {
	if i := strings.Index(target, "://"); i > 0 && target[0] != '/' {
		rest := target[i+3:]
		end := strings.IndexAny(rest, "/?")
		if end < 0 {
			return rest, "/", ""
		}
		host, target = rest[:end], rest[end:]
		if target[0] == '?' {
			target = "/" + target
		}
	}
	path = target
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, args = path[:i], path[i+1:]
	}
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	return host, path, args
}

// normalizePath turns a request path into nginx's $uri
// (ngx_http_parse_complex_uri): %-escapes decoded, slashes merged when
// merge is set, "." and ".." segments resolved, the decoded bytes taking
// part too, so that "%2e%2e" and "%2f" climb like ".." and "/". Climbing
// above the root is an error.
func normalizePath(p string, merge bool) (string, error) {
	if !needsWork(p, merge) {
		return p, nil
	}
	dec := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' {
			if i+2 >= len(p) {
				return "", errBadURI
			}
			h, ok1 := unhex(p[i+1])
			l, ok2 := unhex(p[i+2])
			if !ok1 || !ok2 {
				return "", errBadURI
			}
			c = h<<4 | l
			if c == 0 {
				return "", errBadURI
			}
			i += 2
		}
		dec = append(dec, c)
	}
	s := string(dec)
	if s == "" || s[0] != '/' {
		return "", errBadURI
	}
	parts := strings.Split(s[1:], "/")
	var segs []string
	trailing := false
	for i, seg := range parts {
		last := i == len(parts)-1
		switch seg {
		case ".":
			trailing = last
		case "..":
			if len(segs) == 0 {
				return "", errBadURI
			}
			segs = segs[:len(segs)-1]
			trailing = last
		case "":
			if last {
				trailing = true
			} else if !merge {
				segs = append(segs, "")
			}
		default:
			segs = append(segs, seg)
		}
	}
	out := "/" + strings.Join(segs, "/")
	if trailing && len(segs) > 0 {
		out += "/"
	}
	return out, nil
}

// needsWork reports whether a path has anything normalizePath changes.
func needsWork(p string, merge bool) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '%':
			return true
		case '/':
			if i+1 < len(p) && (p[i+1] == '.' || merge && p[i+1] == '/') {
				return true
			}
		}
	}
	return false
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// escapeURI escapes a URI for sending upstream, as ngx_escape_uri does:
// space, '#', '%', '?', control bytes and bytes from 0x7f.
func escapeURI(s string) string {
	const hex = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if uriEscaped(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if uriEscaped(c) {
			b = append(b, '%', hex[c>>4], hex[c&0xf])
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

func uriEscaped(c byte) bool {
	return c <= ' ' || c >= 0x7f || c == '#' || c == '%' || c == '?' || c == '"'
}

// validateHost checks a Host value as nginx does (ngx_http_validate_host)
// and returns it as $host: without its port or a trailing dot, in lower
// case.
func validateHost(h string) (string, bool) {
	dot := -2
	hostLen := len(h)
	state := 0 // 0 usual, 1 IPv6 literal, 2 after the host
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c == '.':
			if dot == i-1 {
				return "", false
			}
			dot = i
		case c == ':':
			if state == 0 {
				hostLen, state = i, 2
			}
		case c == '[':
			if i == 0 {
				state = 1
			}
		case c == ']':
			if state == 1 {
				hostLen, state = i+1, 2
			}
		case c == 0 || c == '/' || c <= ' ' || c == 0x7f:
			return "", false
		}
	}
	if dot == hostLen-1 {
		hostLen--
	}
	if hostLen <= 0 {
		return "", false
	}
	return lower(h[:hostLen]), true
}
