package framework

import (
	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
)

// Request is the request a view gets: the toolkit's Request, and what
// routing found for it, as Flask's Request adds url_rule and view_args.
type Request struct {
	*toolkit.Request
	// Rule is the URL rule that matched, nil when none did.
	Rule *toolkit.Rule
	// ViewArgs are the values the rule's variables matched.
	ViewArgs toolkit.Args
	// RoutingError is what the URL map raised instead of a match: a 404,
	// a 405 or a redirect. The view is not called; it is raised instead.
	RoutingError error

	app     *App
	adapter *toolkit.MapAdapter
	hop     toolkit.Hop // toolkit -> framework
}

// Endpoint returns the endpoint of the rule that matched, or "".
func (r *Request) Endpoint() string {
	if r.Rule == nil {
		return ""
	}
	return r.Rule.Endpoint
}

// URLFor returns the URL of endpoint with values, as Flask's url_for: the
// path under where the app is mounted, the values the rule has no
// variable for as the query string.
func (r *Request) URLFor(endpoint string, values toolkit.Args) (string, error) {
	return r.adapter.Build(endpoint, values, "", false)
}

// newRequest wraps env and matches it against the URL map, as Flask's
// request context does when it is pushed. Both steps are recorded: the
// Request between the gateway and the toolkit, the match between the
// toolkit and the framework.
func (a *App) newRequest(env *gateway.Environ) *Request {
	tr := toolkit.NewRequest(env)
	tr.MaxContentLength = a.MaxContentLength
	r := &Request{Request: tr, app: a, hop: toolkit.NewHop(env, toolkit.Layer, Layer)}
	r.adapter = a.urls.Bind(tr)
	r.adapter.Hop = r.hop
	r.Rule, r.ViewArgs, r.RoutingError = r.adapter.Match()
	return r
}
