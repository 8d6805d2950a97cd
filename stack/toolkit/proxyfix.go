package toolkit

import (
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// ProxyFix is Werkzeug's ProxyFix middleware: behind a proxy, the peer
// that connected (REMOTE_ADDR) is the proxy, so the app learns the client
// from the X-Forwarded-* headers the proxy adds. Each field says how many
// proxies to trust for that header; zero ignores it. With For: 1, the
// last address of X-Forwarded-For (the one the nearest proxy added)
// becomes REMOTE_ADDR.
//
// Trust only as many proxies as really stand in front of the app: a
// client can send an X-Forwarded-For of its own, and a proxy appends to
// it.
type ProxyFix struct {
	For, Proto, Host, Port, Prefix int
}

// Wrap returns next behind the fix; the method value is a
// gateway.Middleware. The environ's values before the fix are kept under
// werkzeug.proxy_fix.orig, and what changed is recorded on the way in.
func (p ProxyFix) Wrap(next gateway.App) gateway.App {
	return func(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
		keys := []string{"REMOTE_ADDR", gateway.KeyURLScheme, "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME"}
		orig := make(origValues, len(keys))
		for i, k := range keys {
			v, _ := env.Get(k)
			orig[i] = origValue{k, v}
		}
		env.Set("werkzeug.proxy_fix.orig", orig)
		if v := trusted(p.For, env.String("HTTP_X_FORWARDED_FOR")); v != "" {
			env.Set("REMOTE_ADDR", v)
		}
		if v := trusted(p.Proto, env.String("HTTP_X_FORWARDED_PROTO")); v != "" {
			env.Set(gateway.KeyURLScheme, v)
		}
		if v := trusted(p.Host, env.String("HTTP_X_FORWARDED_HOST")); v != "" {
			env.Set("HTTP_HOST", v)
			env.Set("SERVER_NAME", v)
			if i := strings.LastIndexByte(v, ':'); i >= 0 && !strings.HasSuffix(v, "]") {
				env.Set("SERVER_NAME", v[:i])
				env.Set("SERVER_PORT", v[i+1:])
			}
		}
		if v := trusted(p.Port, env.String("HTTP_X_FORWARDED_PORT")); v != "" {
			if host := env.String("HTTP_HOST"); host != "" {
				if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
					host = host[:i]
				}
				env.Set("HTTP_HOST", host+":"+v)
			}
			env.Set("SERVER_PORT", v)
		}
		if v := trusted(p.Prefix, env.String("HTTP_X_FORWARDED_PREFIX")); v != "" {
			env.Set("SCRIPT_NAME", v)
		}
		if hop := NewHop(env, gateway.Layer, Layer); hop.On() {
			hop.Down("ProxyFix", orig.changes(env)...)
		}
		return next(env, start)
	}
}

// trusted returns the value the n-th proxy from the app added to a
// comma-separated header, or "" when n is zero or the header has fewer.
func trusted(n int, header string) string {
	if n <= 0 || header == "" {
		return ""
	}
	vals := ParseListHeader(header)
	if len(vals) < n {
		return ""
	}
	return vals[len(vals)-n]
}

// origValues is werkzeug.proxy_fix.orig: the environ's values before the
// fix.
type origValues []origValue

type origValue struct {
	key string
	val any
}

// String writes the values as Python writes the dict.
func (o origValues) String() string {
	parts := make([]string, len(o))
	for i, v := range o {
		parts[i] = Repr(v.key) + ": " + Repr(v.val)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// changes lists each key the fix changed, as "old -> new", or says that
// nothing changed.
func (o origValues) changes(env *gateway.Environ) []trace.Field {
	var out []trace.Field
	for _, v := range o {
		now, _ := env.Get(v.key)
		if now != v.val {
			out = append(out, F(v.key, gateway.FormatValue(v.val)+" -> "+gateway.FormatValue(now)))
		}
	}
	if len(out) == 0 {
		out = append(out, F("changed", "nothing: no X-Forwarded-* header it trusts"))
	}
	return out
}
