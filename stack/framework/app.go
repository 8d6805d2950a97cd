package framework

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
)

// Layer is the framework's name in journeys.
const Layer = "framework"

// View is a view function: it gets the request and the values of the
// rule's variables, as Flask passes them as keyword arguments, and returns
// what the client gets, in any form Flask takes (see MakeResponse). An
// error returned is an error raised.
type View func(r *Request, args toolkit.Args) any

// BeforeRequest runs before the view; a value other than nil answers the
// request instead of the view.
type BeforeRequest func(r *Request) any

// AfterRequest gets the response on its way out and returns the one that
// goes on.
type AfterRequest func(r *Request, resp *toolkit.Response) *toolkit.Response

// ErrorHandler answers an HTTP error of the code it was registered for.
type ErrorHandler func(r *Request, err error) any

// App is a Flask app: a URL map whose endpoints name view functions,
// hooks run around each view, and error handlers. It is a gateway app
// (ServeWSGI), as Flask's app is a WSGI callable. Register everything
// before the app serves; it is then safe for concurrent use.
type App struct {
	// Name is the app's import name, as Flask(__name__).
	Name string
	// MaxContentLength bounds a request's body, as MAX_CONTENT_LENGTH;
	// zero means the toolkit's default.
	MaxContentLength int64

	urls   *toolkit.Map
	views  map[string]namedView
	auto   map[string]bool // endpoints answering OPTIONS by themselves
	before []namedHook[BeforeRequest]
	after  []namedHook[AfterRequest]
	errors map[int]namedHook[ErrorHandler]
	wsgi   gateway.App
}

type namedView struct {
	name string
	view View
}

type namedHook[F any] struct {
	name string
	f    F
}

// New returns an app named name, with no routes yet.
func New(name string) *App {
	urls, _ := toolkit.NewMap()
	a := &App{Name: name, urls: urls, views: map[string]namedView{}, auto: map[string]bool{},
		errors: map[int]namedHook[ErrorHandler]{}}
	a.wsgi = a.wsgiApp
	return a
}

// Route routes pattern to view, as @app.route: the endpoint is the view
// function's name in snake_case, as a Python function would be named
// (helloName becomes hello_name); methods default to GET. HEAD comes with
// GET and OPTIONS is answered automatically. It panics on a mistake in
// the pattern or an endpoint taken by another view, as Flask raises at
// import; a function literal has no name, so use AddURLRule for it.
func (a *App) Route(pattern string, view View, methods ...string) {
	name := funcName(view)
	if name == "" {
		panic(fmt.Sprintf("framework: the view for %s is a function literal: give it an endpoint with AddURLRule", pattern))
	}
	a.AddURLRule(pattern, name, view, methods...)
}

// AddURLRule routes pattern to view under endpoint, as
// app.add_url_rule.
func (a *App) AddURLRule(pattern, endpoint string, view View, methods ...string) {
	if len(methods) == 0 {
		methods = []string{"GET"}
	}
	a.addRule(pattern, endpoint, namedView{endpoint, view}, methods)
}

func (a *App) addRule(pattern, endpoint string, v namedView, methods []string) {
	if old, ok := a.views[endpoint]; ok && old.name != v.name {
		panic(fmt.Sprintf("framework: view function mapping is overwriting an existing endpoint function: %s", endpoint))
	}
	upper := make([]string, len(methods))
	for i, m := range methods {
		upper[i] = strings.ToUpper(m)
	}
	if !slices.Contains(upper, "OPTIONS") {
		upper = append(upper, "OPTIONS")
		a.auto[endpoint] = true
	}
	if err := a.urls.Add(toolkit.NewRule(pattern, endpoint, upper...)); err != nil {
		panic(fmt.Sprintf("framework: %v", err))
	}
	a.views[endpoint] = v
}

// BeforeRequest registers f to run before every view, in the order
// registered, as @app.before_request.
func (a *App) BeforeRequest(f BeforeRequest) {
	a.before = append(a.before, namedHook[BeforeRequest]{hookName(f, "before_request"), f})
}

// AfterRequest registers f to run on every response, the last registered
// first, as @app.after_request.
func (a *App) AfterRequest(f AfterRequest) {
	a.after = append(a.after, namedHook[AfterRequest]{hookName(f, "after_request"), f})
}

// ErrorHandler registers f to answer the HTTP error code, as
// @app.errorhandler(code).
func (a *App) ErrorHandler(code int, f ErrorHandler) {
	a.errors[code] = namedHook[ErrorHandler]{hookName(f, "errorhandler"), f}
}

// WSGIApp returns the app's gateway app as it stands: Flask's
// app.wsgi_app, which middleware wraps.
func (a *App) WSGIApp() gateway.App { return a.wsgi }

// Wrap wraps the app's gateway app in middlewares, the first outermost,
// as app.wsgi_app = ProxyFix(app.wsgi_app) does.
func (a *App) Wrap(mws ...gateway.Middleware) { a.wsgi = gateway.Chain(a.wsgi, mws...) }

// ServeWSGI is the app called by a server: Flask's
// app(environ, start_response), which calls the (maybe wrapped) wsgi app.
func (a *App) ServeWSGI(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
	return a.wsgi(env, start)
}
