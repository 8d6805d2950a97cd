package toolkit

import "github.com/ngw2f/ngw2f-lab/stack/gateway"

// Application turns a function of a Request into a gateway app, as
// Werkzeug's @Request.application decorator does in the talk's second
// example: the environ is wrapped in a Request, and the Response the
// function returns answers the request.
func Application(f func(*Request) *Response) gateway.App {
	return func(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
		return f(NewRequest(env)).ServeWSGI(env, start)
	}
}
