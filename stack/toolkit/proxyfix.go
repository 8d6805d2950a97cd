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
// werkzeug.proxy_fix.orig, and what the fix did with each header it
// trusts is recorded on the way in.
func (p ProxyFix) Wrap(next gateway.App) gateway.App {
	return func(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
		orig := saveOrig(env)
		var done []trace.Field
		apply := func(n int, header, key string, set func(v string)) {
			if n <= 0 {
				return
			}
			raw := env.String(header)
			v := trusted(n, raw)
			old := gateway.FormatValue(orig.get(key))
			if v == "" {
				done = append(done, F(key, old+" kept: no "+headerName(header)+" from a trusted proxy"))
				return
			}
			set(v)
			now, _ := env.Get(key)
			done = append(done, F(key, old+" -> "+gateway.FormatValue(now)+" (from "+headerName(header)+": "+raw+")"))
		}
		apply(p.For, "HTTP_X_FORWARDED_FOR", "REMOTE_ADDR", func(v string) { env.Set("REMOTE_ADDR", v) })
		apply(p.Proto, "HTTP_X_FORWARDED_PROTO", gateway.KeyURLScheme, func(v string) { env.Set(gateway.KeyURLScheme, v) })
		apply(p.Host, "HTTP_X_FORWARDED_HOST", "HTTP_HOST", func(v string) {
			env.Set("HTTP_HOST", v)
			env.Set("SERVER_NAME", v)
			if i := strings.LastIndexByte(v, ':'); i >= 0 && !strings.HasSuffix(v, "]") {
				env.Set("SERVER_NAME", v[:i])
				env.Set("SERVER_PORT", v[i+1:])
			}
		})
		apply(p.Port, "HTTP_X_FORWARDED_PORT", "SERVER_PORT", func(v string) {
			if host := env.String("HTTP_HOST"); host != "" {
				if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
					host = host[:i]
				}
				env.Set("HTTP_HOST", host+":"+v)
			}
			env.Set("SERVER_PORT", v)
		})
		apply(p.Prefix, "HTTP_X_FORWARDED_PREFIX", "SCRIPT_NAME", func(v string) { env.Set("SCRIPT_NAME", v) })
		if hop := NewHop(env, gateway.Layer, Layer); hop.On() {
			hop.Down("ProxyFix", done...)
		}
		return next(env, start)
	}
}

// headerName names the header an environ key holds: X-Forwarded-For.
func headerName(key string) string {
	return titleCase(strings.ReplaceAll(strings.TrimPrefix(key, "HTTP_"), "_", "-"))
}

// saveOrig keeps the values the fix may change under
// werkzeug.proxy_fix.orig, as Werkzeug does.
func saveOrig(env *gateway.Environ) origValues {
	keys := []string{"REMOTE_ADDR", gateway.KeyURLScheme, "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME"}
	orig := make(origValues, len(keys))
	for i, k := range keys {
		v, _ := env.Get(k)
		orig[i] = origValue{k, v}
	}
	env.Set("werkzeug.proxy_fix.orig", orig)
	return orig
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
	return reprPairs(len(o), func(i int) (string, any) { return o[i].key, o[i].val })
}

func (o origValues) get(key string) any {
	for _, v := range o {
		if v.key == key {
			return v.val
		}
	}
	return nil
}
