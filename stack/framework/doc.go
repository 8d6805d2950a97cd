// Package framework is the lab's Flask, built on the toolkit as Flask is
// built on Werkzeug. An App routes URL patterns to view functions, runs
// hooks around them and turns what they return into a Response; it is
// itself a gateway app, so the pre-fork server's workers serve it by its
// registered name (the talk's app is app:application) and the toolkit's
// development server serves it with Run, as app.run().
//
//	app := framework.New("app")
//	app.Route("/", hello)                      // GET, with HEAD and OPTIONS
//	app.Route("/user/<int:id>", user, "GET", "POST")
//
//	func hello(r *framework.Request, args toolkit.Args) any {
//		return "Hello, World! (from Flask)"
//	}
//
// A view returns what a Flask view returns: a string, bytes, a map or a
// slice (sent as JSON), a Tuple of (body, status, headers), a
// *toolkit.Response, a gateway app, or a sequence to stream; returning an
// error raises it (toolkit.Abort(404) gives Werkzeug's page). Flask's
// 404, 405 and 308 come from the toolkit's URL map. BeforeRequest,
// AfterRequest and ErrorHandler register hooks; AddView a method view;
// WSGIApp and Wrap are app.wsgi_app and what wraps it.
//
// Every step of a request is a hand-off in the journey between the
// toolkit and the framework: the URL map's match, each before-request
// hook, the view function called with its arguments, its return value,
// the Response make_response made of it, each after-request hook, and an
// error raised and the handler that took it. testdata/flask holds what
// Flask 2.2.2 answered, on Werkzeug's server and under gunicorn, and the
// tests compare the lab's answers with it byte for byte.
//
// NOTES:
//   - A view is a Go function that gets the URL's values as toolkit.Args
//     where Flask passes keyword arguments. Route names the endpoint after
//     the function in snake_case, as a Python function would be named
//     (helloName is hello_name); a function literal needs AddURLRule.
//   - Raising is returning an error, or panicking. For an error nothing
//     handles, Flask writes the Python traceback to wsgi.errors, ending
//     with the exception's class ("RuntimeError: ..."); the lab writes
//     "error: ..." for an error returned and "panic: ..." and Go's stack
//     for a panic. Error handlers are found by status code only, not by
//     exception class.
//   - A map has no order in Go: JSON is sent with its keys sorted, as
//     Flask sends it, and a map of headers in a Tuple is applied in key
//     order where Python keeps the dict's.
//   - Not mirrored: the application and request contexts (g, the request
//     global), sessions, templates, blueprints, signals, the config
//     object, debug mode and the debugger, teardown and
//     url_value_preprocessor hooks.
package framework
