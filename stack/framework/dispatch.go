package framework

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
)

// wsgiApp is Flask's wsgi_app: the request is wrapped and routed, the
// view dispatched between the hooks, the result made a Response, and the
// Response answers.
func (a *App) wsgiApp(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
	r := a.newRequest(env)
	return a.fullDispatch(r).ServeWSGI(env, start)
}

// fullDispatch is full_dispatch_request, with wsgi_app's last resort: an
// error nothing handled is logged and answered 500.
func (a *App) fullDispatch(r *Request) *toolkit.Response {
	rv, err := a.preprocess(r)
	if rv == nil && err == nil {
		rv, err = a.dispatch(r)
	}
	if err != nil {
		rv, err = a.handleUserError(r, err)
	}
	if err == nil {
		var resp *toolkit.Response
		if resp, err = a.finalize(r, rv); err == nil {
			return resp
		}
	}
	return a.handleError(r, err)
}

// preprocess runs the before-request hooks in order; the first that
// returns a value answers the request.
func (a *App) preprocess(r *Request) (any, error) {
	for _, h := range a.before {
		rv, err := call(func() any { return h.f(r) })
		if r.hop.On() {
			r.hop.Down("before_request", toolkit.F("call", h.name+"()"), toolkit.F("returned", reprResult(rv, err)))
		}
		if err != nil || rv != nil {
			return rv, err
		}
	}
	return nil, nil
}

// dispatch is dispatch_request: the routing error raised, an automatic
// OPTIONS answered, or the view called with the rule's values.
func (a *App) dispatch(r *Request) (any, error) {
	if r.RoutingError != nil {
		return nil, r.RoutingError
	}
	ep := r.Rule.Endpoint
	if a.auto[ep] && r.Method() == "OPTIONS" {
		r.hop.Down("view function", toolkit.F("call", "make_default_options_response()"))
		resp := toolkit.NewResponseChunks(nil, toolkit.WithDefaultMimetype("text/html"))
		resp.Headers = resp.Headers.Add("Allow", strings.Join(r.adapter.AllowedMethods(), ", "))
		return resp, nil
	}
	v := a.views[ep]
	if r.hop.On() {
		r.hop.Down("view function", toolkit.F("call", r.ViewArgs.Call(v.name)))
	}
	rv, err := call(func() any { return v.view(r, r.ViewArgs) })
	if r.hop.On() && err == nil {
		r.hop.Up("return value", toolkit.F("value", repr(rv)), toolkit.F("type", typeName(rv)))
	}
	return rv, err
}

// finalize is finalize_request: the value made a Response, then the
// after-request hooks, the last registered first.
func (a *App) finalize(r *Request, rv any) (*toolkit.Response, error) {
	resp, err := a.MakeResponse(r, rv)
	if err != nil {
		return nil, err
	}
	if r.hop.On() {
		r.hop.Up("make_response(rv)", responseFields(resp)...)
	}
	for i := len(a.after) - 1; i >= 0; i-- {
		h := a.after[i]
		var out any
		out, err = call(func() any { return h.f(r, resp) })
		if err != nil {
			return nil, err
		}
		next, ok := out.(*toolkit.Response)
		if !ok || next == nil {
			return nil, &TypeError{fmt.Sprintf("the after_request function %s did not return a Response", h.name)}
		}
		resp = next
		if r.hop.On() {
			r.hop.Up("after_request", toolkit.F("call", h.name+"(response)"), toolkit.F("returned", resp.String()))
		}
	}
	return resp, nil
}

// handleUserError is handle_user_exception: an HTTP error goes to the
// error handler of its code, if there is one, and is otherwise the
// answer itself; a redirect of the URL map is never handled. Any other
// error goes on.
func (a *App) handleUserError(r *Request, err error) (any, error) {
	h, ok := toolkit.AsHTTPError(err)
	if r.hop.On() {
		r.hop.Up("raises", toolkit.F("exception", exceptionText(err)))
	}
	if !ok {
		return nil, err
	}
	var redirect *toolkit.RequestRedirect
	if errors.As(err, &redirect) {
		return h, nil
	}
	handler, found := a.errors[h.StatusCode()]
	if !found {
		return h, nil
	}
	if r.hop.On() {
		r.hop.Down("errorhandler", toolkit.F("code", fmt.Sprint(h.StatusCode())), toolkit.F("call", handler.name+"(e)"))
	}
	return callKeep(func() any { return handler.f(r, err) })
}

// handleError is handle_exception: the error is logged to wsgi.errors as
// Flask's logger logs it, and answered with the 500 error handler when
// there is one, else with Werkzeug's 500 page, after-request hooks and
// all.
func (a *App) handleError(r *Request, err error) *toolkit.Response {
	a.logError(r, err)
	var rv any = toolkit.Abort(500)
	if handler, ok := a.errors[500]; ok {
		if out, herr := callKeep(func() any { return handler.f(r, err) }); herr == nil {
			rv = out
		}
	}
	resp, ferr := a.finalize(r, rv)
	if ferr != nil {
		a.logError(r, ferr)
		resp = toolkit.Abort(500).Response()
	}
	return resp
}

// logError writes what Flask's logger writes for an error nothing
// handled: "[time] ERROR in app: Exception on /path [GET]" and the
// exception.
func (a *App) logError(r *Request, err error) {
	w := r.Environ().Errors()
	stamp := time.Now().Format("2006-01-02 15:04:05.000")
	stamp = strings.Replace(stamp, ".", ",", 1)
	fmt.Fprintf(w, "[%s] ERROR in app: Exception on %s [%s]\n%s\n", stamp, r.Path(), r.Method(), exceptionText(err))
	var p *PanicError
	if errors.As(err, &p) && p.Stack != "" {
		io.WriteString(w, p.Stack)
	}
}

// call runs f, turning a panic into a *PanicError and a returned error
// into an error raised.
func call(f func() any) (any, error) {
	rv, err := callKeep(f)
	if e, ok := rv.(error); ok && err == nil {
		return nil, e
	}
	return rv, err
}

// callKeep runs f, turning a panic into a *PanicError; an error it
// returns is a value, as an error handler may return the error it
// handles for its page.
func callKeep(f func() any) (rv any, err error) {
	defer func() {
		if v := recover(); v != nil {
			rv, err = nil, &PanicError{Value: v, Stack: string(debug.Stack())}
		}
	}()
	return f(), nil
}

// PanicError is a view or hook that panicked, as an exception raised.
type PanicError struct {
	Value any
	Stack string
}

func (e *PanicError) Error() string { return fmt.Sprint(e.Value) }

// TypeError is the framework's own complaint about what a view returned,
// as Flask raises TypeError.
type TypeError struct{ Msg string }

func (e *TypeError) Error() string { return e.Msg }

// exceptionText writes an error as the last line of a Python traceback
// names it: "TypeError: ...", "NotFound: 404 Not Found: ...".
func exceptionText(err error) string {
	var p *PanicError
	var te *toolkit.HTTPException
	var tr *toolkit.RequestRedirect
	var typ *TypeError
	switch {
	case errors.As(err, &typ):
		return "TypeError: " + typ.Msg
	case errors.As(err, &p):
		return "panic: " + p.Error()
	case errors.As(err, &te):
		return strings.ReplaceAll(toolkit.StatusName(te.Code), " ", "") + ": " + te.Error()
	case errors.As(err, &tr):
		return "RequestRedirect: " + tr.Error()
	}
	return "error: " + err.Error()
}

func reprResult(rv any, err error) string {
	if err != nil {
		return "raises " + exceptionText(err)
	}
	return repr(rv)
}
