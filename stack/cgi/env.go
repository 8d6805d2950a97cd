package cgi

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// metaVariables are RFC 3875's meta-variables, in the RFC's order
// (section 4.1), with REQUEST_URI, which servers add.
var metaVariables = []string{
	"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE",
	"PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR",
	"REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
	"REQUEST_URI", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT",
	"SERVER_PROTOCOL", "SERVER_SOFTWARE",
}

// scriptPrefix is where the scripts are: /cgi-bin/NAME.
const scriptPrefix = "/cgi-bin/"

// target is a request target taken apart the CGI way.
type target struct {
	script   string // the script's name
	pathInfo string // what follows the script's name in the path, decoded
	query    string // what follows ?, as sent
}

// parseTarget finds the script a target names; ok is false when it
// names none of the lab's (or is no /cgi-bin/ path at all).
func parseTarget(raw string) (t target, ok bool) {
	path, query, _ := strings.Cut(raw, "?")
	rest, found := strings.CutPrefix(path, scriptPrefix)
	if !found {
		return t, false
	}
	name, more, _ := strings.Cut(rest, "/")
	if _, known := scripts[name]; !known {
		return t, false
	}
	if more != "" {
		more = "/" + more
	}
	return target{script: name, pathInfo: percentDecode(more), query: query}, true
}

// environment builds the script's meta-variables for req, which came in
// on local from remote.
func environment(req *http1.Request, t target, local, remote net.Addr, software string) []string {
	env := []string{
		"GATEWAY_INTERFACE=CGI/1.1",
		"SERVER_SOFTWARE=" + software,
		"SERVER_PROTOCOL=" + req.Proto,
		"REQUEST_METHOD=" + req.Method,
		"REQUEST_URI=" + req.Target,
		"SCRIPT_NAME=" + scriptPrefix + t.script,
		"PATH_INFO=" + t.pathInfo,
		"QUERY_STRING=" + t.query,
	}
	if host, port, err := net.SplitHostPort(local.String()); err == nil {
		env = append(env, "SERVER_NAME="+host, "SERVER_PORT="+port)
	}
	if host, port, err := net.SplitHostPort(remote.String()); err == nil {
		env = append(env, "REMOTE_ADDR="+host, "REMOTE_PORT="+port)
	}
	if v := req.Headers.Get("Content-Type"); v != "" {
		env = append(env, "CONTENT_TYPE="+v)
	}
	if req.ContentLength >= 0 {
		env = append(env, "CONTENT_LENGTH="+strconv.FormatInt(req.ContentLength, 10))
	}
	seen := map[string]int{}
	for _, h := range req.Headers {
		if h.Invalid {
			continue
		}
		key := "HTTP_" + strings.ToUpper(strings.ReplaceAll(h.Name, "-", "_"))
		if key == "HTTP_CONTENT_TYPE" || key == "HTTP_CONTENT_LENGTH" {
			continue // they are CONTENT_TYPE and CONTENT_LENGTH
		}
		if i, dup := seen[key]; dup {
			env[i] += ", " + h.Value // RFC 3875 4.1.18: joined with commas
			continue
		}
		seen[key] = len(env)
		env = append(env, key+"="+h.Value)
	}
	return env
}

// percentDecode decodes %XX escapes, as PATH_INFO is; a path with a
// malformed one stays as it was sent.
func percentDecode(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}
