package prefork

import (
	"net"
	"slices"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/addrtext"
)

// secureSchemeHeaders are gunicorn's secure_scheme_headers: a header
// that says, with this very value, that the client's connection to the
// proxy in front was HTTPS.
var secureSchemeHeaders = []struct{ name, value string }{
	{"X-FORWARDED-PROTOCOL", "ssl"},
	{"X-FORWARDED-PROTO", "https"},
	{"X-FORWARDED-SSL", "on"},
}

// DefaultForwardedAllowIPs is gunicorn's forwarded_allow_ips: the only
// address whose scheme headers it trusts, where a proxy on the same
// machine connects from.
var DefaultForwardedAllowIPs = []string{"127.0.0.1"}

// schemeRules are the settings that say which scheme headers to trust.
type schemeRules struct {
	allow []string // forwarded_allow_ips; "*" trusts every address
}

// of returns wsgi.url_scheme for req, which came on c, as gunicorn's
// parse_headers works it out: "http" (the lab serves no TLS), unless a
// secure scheme header came from an address forwarded_allow_ips trusts;
// then "https" when its value is the one gunicorn expects, and "http"
// for any other value. It reports false when two such headers disagree,
// which gunicorn refuses ("Contradictory scheme headers"). A request the
// reader could not take apart (nil) has none.
func (s schemeRules) of(req *http1.Request, c net.Conn) (scheme string, ok bool) {
	scheme = "http"
	if req == nil || !s.trusts(c.RemoteAddr()) {
		return scheme, true
	}
	seen := false
	for _, h := range req.Headers {
		name := strings.ToUpper(h.Name)
		i := slices.IndexFunc(secureSchemeHeaders, func(s struct{ name, value string }) bool { return s.name == name })
		if i < 0 {
			continue
		}
		this := "http"
		if h.Value == secureSchemeHeaders[i].value {
			this = "https"
		}
		if seen && this != scheme {
			return scheme, false
		}
		seen, scheme = true, this
	}
	return scheme, true
}

// trusts reports whether forwarded_allow_ips trusts a peer: every peer
// with "*", one that is not on TCP (a Unix socket), or one whose IP
// address is in the list as written.
func (s schemeRules) trusts(peer net.Addr) bool {
	ta, ok := peer.(*net.TCPAddr)
	if !ok {
		return true
	}
	var buf [64]byte
	ip := addrtext.AppendIP(buf[:0], ta.IP)
	for _, a := range s.allow {
		if a == "*" || a == string(ip) {
			return true
		}
	}
	return false
}
