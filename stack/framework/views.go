package framework

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
)

// viewMethods are the methods a method view may have, each answering the
// HTTP method of its name, as the methods of a Flask MethodView.
var viewMethods = []string{"Get", "Post", "Put", "Patch", "Delete", "Head", "Options"}

// handlers returns the methods of v that are views, by HTTP method.
func handlers(v any) map[string]View {
	m := map[string]View{}
	rv := reflect.ValueOf(v)
	for _, name := range viewMethods {
		meth := rv.MethodByName(name)
		if !meth.IsValid() {
			continue
		}
		if f, ok := meth.Interface().(func(*Request, toolkit.Args) any); ok {
			m[strings.ToUpper(name)] = f
		}
	}
	return m
}

// AddView routes pattern to a method view under endpoint, as
// app.add_url_rule(pattern, view_func=View.as_view(endpoint)): v has a
// method per HTTP method it answers (Get, Post, Put, Patch, Delete, Head,
// Options, each a View), and the rule takes those methods; HEAD is
// answered by Get when v has no Head. It panics when v has none of them.
func (a *App) AddView(pattern, endpoint string, v any) {
	hs := handlers(v)
	if len(hs) == 0 {
		panic(fmt.Sprintf("framework: %T has no Get, Post, Put, Patch, Delete, Head or Options method to be a view", v))
	}
	var methods []string
	for m := range hs {
		methods = append(methods, m)
	}
	view := func(r *Request, args toolkit.Args) any {
		h, ok := hs[r.Method()]
		name := strings.ToLower(r.Method())
		if !ok && r.Method() == "HEAD" {
			h, ok, name = hs["GET"], hs["GET"] != nil, "get"
		}
		if !ok {
			return &TypeError{fmt.Sprintf("Unimplemented method %s", toolkit.Repr(r.Method()))}
		}
		if r.hop.On() {
			r.hop.Down("method view", toolkit.F("call", args.Call(endpoint+"."+name)))
		}
		return h(r, args)
	}
	a.addRule(pattern, endpoint, namedView{endpoint, view}, methods)
}
