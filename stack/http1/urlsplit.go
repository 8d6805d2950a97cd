package http1

import (
	"errors"
	"net/netip"
	"strings"
)

// unsafeBytes drops what urlsplit strips from anywhere in a URL (Python's
// _UNSAFE_URL_BYTES_TO_REMOVE). It is made once: a Replacer builds its
// tables on first use, and one made for each call (twice a request) took
// 5.5% of a pre-fork worker's perf samples.
var unsafeBytes = strings.NewReplacer("\t", "", "\r", "", "\n", "")

// SplitTarget splits a request target into its path and query as
// gunicorn 20.1.0 does (split_request_uri, which calls Python 3.11's
// urllib.parse.urlsplit as Debian has it, with its security fixes):
// control characters and spaces before it are dropped, and every tab, CR
// and LF in it; a scheme and a network location ("http://host") are cut
// off, then a fragment after '#', then a query after '?'. A target
// starting with // is a path, as gunicorn puts a '.' before it for
// urlsplit.
//
// It fails where urlsplit raises ValueError ("Invalid IPv6 URL"): a
// network location with a '[' and no ']' or the other way round, or a
// bracketed host that is not an IPv6 address or an IPvFuture one (v1.x),
// or has anything before its '[' or between its ']' and the port.
func SplitTarget(target string) (path, query string, err error) {
	dotted := strings.HasPrefix(target, "//")
	u := target
	if !dotted {
		u = strings.TrimLeft(u, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	}
	u = unsafeBytes.Replace(u)
	if !dotted {
		if i := strings.IndexByte(u, ':'); i > 0 && isLetter(u[0]) && isScheme(u[:i]) {
			u = u[i+1:]
		}
		if rest, ok := strings.CutPrefix(u, "//"); ok {
			i := strings.IndexAny(rest, "/?#")
			if i < 0 {
				i = len(rest)
			}
			netloc := rest[:i]
			u = rest[i:]
			open, close := strings.Contains(netloc, "["), strings.Contains(netloc, "]")
			if open != close || open && !bracketedHost(netloc) {
				return "", "", errors.New("http1: invalid IPv6 URL in the request target")
			}
		}
	}
	u, _, _ = strings.Cut(u, "#")
	path, query, _ = strings.Cut(u, "?")
	return path, query, nil
}

// bracketedHost checks a network location with brackets as urlsplit's
// _check_bracketed_netloc does.
func bracketedHost(netloc string) bool {
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		netloc = netloc[i+1:]
	}
	before, bracketed, found := strings.Cut(netloc, "[")
	var host string
	if found {
		if before != "" {
			return false
		}
		var port string
		host, port, _ = strings.Cut(bracketed, "]")
		if port != "" && port[0] != ':' {
			return false
		}
	} else {
		host, _, _ = strings.Cut(netloc, ":")
	}
	if future, ok := strings.CutPrefix(host, "v"); ok {
		hex, rest, dot := strings.Cut(future, ".")
		return dot && hex != "" && rest != "" && strings.Trim(hex, "0123456789abcdefABCDEF") == ""
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && !ip.Is4()
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && !oneOf("+-.", c) {
			return false
		}
	}
	return true
}
