package framework

import (
	"fmt"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
)

// The methods a method view may have, each answering the HTTP method of
// its name, as the methods of a Flask MethodView.
type (
	getView interface {
		Get(*Request, toolkit.Args) any
	}
	postView interface {
		Post(*Request, toolkit.Args) any
	}
	putView interface {
		Put(*Request, toolkit.Args) any
	}
	patchView interface {
		Patch(*Request, toolkit.Args) any
	}
	deleteView interface {
		Delete(*Request, toolkit.Args) any
	}
	headView interface {
		Head(*Request, toolkit.Args) any
	}
	optionsView interface {
		Options(*Request, toolkit.Args) any
	}
)

// handlers returns the views v has, by HTTP method.
func handlers(v any) map[string]View {
	m := map[string]View{}
	if x, ok := v.(getView); ok {
		m["GET"] = x.Get
	}
	if x, ok := v.(postView); ok {
		m["POST"] = x.Post
	}
	if x, ok := v.(putView); ok {
		m["PUT"] = x.Put
	}
	if x, ok := v.(patchView); ok {
		m["PATCH"] = x.Patch
	}
	if x, ok := v.(deleteView); ok {
		m["DELETE"] = x.Delete
	}
	if x, ok := v.(headView); ok {
		m["HEAD"] = x.Head
	}
	if x, ok := v.(optionsView); ok {
		m["OPTIONS"] = x.Options
	}
	return m
}

// AddView routes pattern to a method view under endpoint, as
// app.add_url_rule(pattern, view_func=View.as_view(endpoint)): v has a
// method per HTTP method it answers (Get, Post, ...), and the rule takes
// those methods; HEAD is answered by Get when v has no Head. It panics
// when v has none of them.
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
