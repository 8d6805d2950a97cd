package proxy

import "strings"

// findServer returns the server whose server_name is host: an exact name,
// or a "*.example.com" wildcard; else the default server.
func (rt *runtime) findServer(host string) *rtServer {
	for _, s := range rt.servers {
		for _, n := range s.names {
			if n == host {
				return s
			}
		}
	}
	for _, s := range rt.servers {
		for _, n := range s.names {
			if suffix, ok := strings.CutPrefix(n, "*"); ok && strings.HasSuffix(host, suffix) {
				return s
			}
		}
	}
	return rt.def
}

// match returns the configuration of the location that serves uri, as
// nginx chooses it: an exact match first; else the longest prefix, whose
// nested locations are searched in turn; then, unless that prefix said
// "^~", the first regular expression that matches, in order. A URI no
// location matches is served by the server itself.
func (s *rtServer) match(uri string) *locConf {
	if l := matchIn(s.locations, uri); l != nil {
		return l.conf
	}
	return s.base
}

func matchIn(locs []*rtLocation, uri string) *rtLocation {
	var best *rtLocation
	for _, l := range locs {
		switch l.modifier {
		case "=":
			if l.path == uri {
				return l
			}
		case "", "^~":
			if strings.HasPrefix(uri, l.path) && (best == nil || len(l.path) > len(best.path)) {
				best = l
			}
		}
	}
	if best != nil && len(best.children) > 0 {
		if inner := matchIn(best.children, uri); inner != nil {
			if inner.re != nil || inner.modifier == "=" {
				return inner
			}
			best = inner
		}
	}
	if best != nil && best.modifier == "^~" {
		return best
	}
	for _, l := range locs {
		if l.re != nil && l.re.MatchString(uri) {
			return l
		}
	}
	return best
}
