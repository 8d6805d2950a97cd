package toolkit

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
)

// The Werkzeug apps compiled into the lab, by the names lessons serve
// them with. testdata/werkzeug/apps.py has each one in Python, as
// Werkzeug runs it.
func init() {
	gateway.Register("werkzeug_app:greet", Greet)
	gateway.Register("werkzeug_app:application", Hello)
	gateway.Register("werkzeug_app:routes", Routes)
	gateway.Register("werkzeug_app:whoami", WhoAmI)
	gateway.Register("werkzeug_app:proxied", ProxyFix{For: 1, Proto: 1, Host: 1}.Wrap(WhoAmI))
	gateway.Register("werkzeug_app:form", Form)
	gateway.Register("werkzeug_app:headers", ShowHeaders)
	gateway.Register("werkzeug_app:dispatch", Dispatcher(Hello, map[string]gateway.App{"/greet": Greet, "/routes": Routes}))
}

// Greet is the talk's first Werkzeug example: the environ wrapped in a
// Request by hand, the name read from the query string, and a Response
// that is itself the app answering.
func Greet(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
	req := NewRequest(env)
	text := fmt.Sprintf("Hello %s!", req.Args().Get("name", "World"))
	resp := NewResponse(text, Mimetype("text/plain"))
	return resp.ServeWSGI(env, start)
}

// Hello is the talk's second Werkzeug example (part IV's app): the
// decorator wraps the function into an app.
var Hello = Application(func(req *Request) *Response {
	return NewResponse("Hello, World! (from Werkzeug)", Mimetype("text/html"))
})

// routesMap is the URL map of Routes: one rule for each converter, made
// the first time Routes answers, not by every process that links it.
var routesMap = sync.OnceValue(func() *Map {
	return mustMap(
		NewRule("/", "index"),
		NewRule("/hello/<name>", "hello"),
		NewRule("/user/<int:id>", "user", "GET", "POST"),
		NewRule("/user/admin", "admin"),
		NewRule("/files/<path:rest>", "files"),
		NewRule("/docs/", "docs"),
		NewRule("/page/<int(min=1, max=99):n>", "page"),
		NewRule("/price/<float:amount>", "price"),
		NewRule("/lang/<string(length=2):code>", "lang"),
		NewRule("/color/<any(red, green, blue):c>", "color"),
	)
})

func mustMap(rules ...*Rule) *Map {
	m, err := NewMap(rules...)
	if err != nil {
		panic(err)
	}
	return m
}

// Routes answers with what its URL map matched, the values its
// converters made and the URL built back from them, or with the map's
// own 404, 405 or redirect.
var Routes = Application(func(req *Request) *Response {
	adapter := routesMap().Bind(req)
	rule, args, err := adapter.Match()
	if err != nil {
		return asResponse(err)
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.Name + "=" + Repr(a.Value)
	}
	built, err := adapter.Build(rule.Endpoint, append(args, Arg{"q", "a b"}), "", false)
	if err != nil {
		built = err.Error()
	}
	text := fmt.Sprintf("%s %s\nbuilt: %s\n", rule.Endpoint, strings.Join(parts, " "), built)
	return NewResponse(text)
})

// WhoAmI says who the app thinks the client is, which ProxyFix corrects
// behind a proxy.
var WhoAmI = Application(func(req *Request) *Response {
	return NewResponse(fmt.Sprintf("remote_addr=%s\nhost=%s\nscheme=%s\nurl=%s\naccess_route=%s\n",
		req.RemoteAddr(), req.Host(), req.Scheme(), req.URL(), strings.Join(req.AccessRoute(), ",")))
})

// Form answers with what the toolkit parsed from a form, its files and
// cookies, and sets two cookies.
var Form = Application(func(req *Request) *Response {
	form, err := req.Form()
	if err != nil {
		return asResponse(err)
	}
	files, _ := req.Files()
	var lines []string
	for _, k := range form.Keys() {
		lines = append(lines, k+": "+Repr(form.GetList(k)))
	}
	seen := map[string]bool{}
	for _, f := range files.All() {
		if !seen[f.Name] {
			seen[f.Name] = true
			f = files.Get(f.Name)
			lines = append(lines, fmt.Sprintf("file %s: %s %s %s", f.Name, f.Filename, f.ContentType(), Repr(f.Data)))
		}
	}
	cookies := req.Cookies()
	for _, k := range cookies.Keys() {
		lines = append(lines, "cookie "+k+": "+cookies.Get(k, ""))
	}
	pairs := make([]string, 0)
	for _, p := range req.Args().Items() {
		pairs = append(pairs, "("+Repr(p.Key)+", "+Repr(p.Value)+")")
	}
	lines = append(lines, "args: ["+strings.Join(pairs, ", ")+"]")
	resp := NewResponse(strings.Join(lines, "\n") + "\n")
	resp.SetCookie(Cookie{Name: "seen", Value: "yes"})
	resp.SetCookie(Cookie{Name: "note", Value: "a b;c", MaxAge: time.Minute, Path: "/form", HTTPOnly: true, SameSite: "Lax"})
	return resp
})

// ShowHeaders answers with the request's headers as the toolkit sees
// them, in order.
var ShowHeaders = Application(func(req *Request) *Response {
	var b strings.Builder
	for _, h := range req.Headers() {
		fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
	}
	return NewResponse(b.String())
})

// asResponse answers an error: its own answer when it is an HTTP error,
// else a 500.
func asResponse(err error) *Response {
	if h, ok := AsHTTPError(err); ok {
		return h.Response()
	}
	return Abort(500).Response()
}
