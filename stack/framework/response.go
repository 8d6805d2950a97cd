package framework

import (
	"fmt"
	"iter"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Tuple is a view's answer with a status, headers or both, as a Python
// view returns (body, status, headers), (body, status) or (body,
// headers). A status is an int (201) or a string ("201", "201 Made");
// headers are an http1.Headers or a map[string]string.
type Tuple []any

// String writes t as Python writes the tuple.
func (t Tuple) String() string {
	parts := make([]string, len(t))
	for i, v := range t {
		parts[i] = repr(v)
	}
	if len(t) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + joinComma(parts) + ")"
}

func joinComma(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// MakeResponse turns what a view returned into a Response, as Flask's
// make_response: a string or []byte becomes the body (text/html); a map
// or a slice becomes JSON; an iter.Seq[string], iter.Seq[[]byte] or
// gateway.Body is streamed; a *toolkit.Response is kept; a gateway app
// is run for its answer; an HTTP error gives its page; a Tuple adds a
// status and headers to any of these. nil, and any other type, is a
// *TypeError with Flask's words.
func (a *App) MakeResponse(r *Request, rv any) (*toolkit.Response, error) {
	var status any
	var headers http1.Headers
	if t, ok := rv.(Tuple); ok {
		switch {
		case len(t) == 3:
			rv, status, headers = t[0], t[1], toHeaders(t[2])
		case len(t) == 2 && isHeaders(t[1]):
			rv, headers = t[0], toHeaders(t[1])
		case len(t) == 2:
			rv, status = t[0], t[1]
		default:
			return nil, &TypeError{"The view function did not return a valid response tuple. The tuple must have the form (body, status, headers), (body, status), or (body, headers)."}
		}
	}
	if rv == nil {
		return nil, &TypeError{fmt.Sprintf("The view function for %s did not return a valid response. The function either returned None or ended without a return statement.", toolkit.Repr(r.Endpoint()))}
	}
	html := toolkit.WithDefaultMimetype("text/html")
	var resp *toolkit.Response
	switch v := rv.(type) {
	case string:
		resp, headers = toolkit.NewResponse(v, html, toolkit.WithHeaders(headers)), nil
	case []byte:
		resp, headers = toolkit.NewResponseBytes(v, html, toolkit.WithHeaders(headers)), nil
	case iter.Seq[string]:
		resp, headers = toolkit.NewStreamingResponse(gateway.Generate(func(yield func([]byte) bool) {
			for s := range v {
				if !yield([]byte(s)) {
					return
				}
			}
		}), html, toolkit.WithHeaders(headers)), nil
	case iter.Seq[[]byte]:
		resp, headers = toolkit.NewStreamingResponse(gateway.Generate(v), html, toolkit.WithHeaders(headers)), nil
	case gateway.Body:
		resp, headers = toolkit.NewStreamingResponse(v, html, toolkit.WithHeaders(headers)), nil
	case *toolkit.Response:
		resp = v
	case toolkit.HTTPError:
		resp = v.Response()
	case gateway.App:
		var err error
		if resp, err = runApp(v, r.Environ()); err != nil {
			return nil, err
		}
	default:
		if !isJSONContainer(rv) {
			return nil, &TypeError{fmt.Sprintf("The view function did not return a valid response. The return type must be a string, dict, list, tuple with headers or status, Response instance, or WSGI callable, but it was a %s.", typeName(rv))}
		}
		body, err := DumpJSON(rv)
		if err != nil {
			return nil, err
		}
		resp = toolkit.NewResponse(body+"\n", toolkit.Mimetype("application/json"))
	}
	if err := setStatus(resp, status); err != nil {
		return nil, err
	}
	updateHeaders(resp, headers)
	return resp, nil
}

func isJSONContainer(v any) bool {
	k := reflect.ValueOf(v).Kind()
	return k == reflect.Map || k == reflect.Slice || k == reflect.Array
}

func isHeaders(v any) bool {
	switch v.(type) {
	case http1.Headers, map[string]string:
		return true
	}
	return false
}

// toHeaders reads a tuple's headers; a map's are taken in key order.
func toHeaders(v any) http1.Headers {
	switch h := v.(type) {
	case http1.Headers:
		return h
	case map[string]string:
		var out http1.Headers
		for _, k := range slices.Sorted(maps.Keys(h)) {
			out = append(out, http1.Header{Name: k, Value: h[k]})
		}
		return out
	}
	return nil
}

func setStatus(resp *toolkit.Response, status any) error {
	switch s := status.(type) {
	case nil:
	case int:
		resp.SetStatus(s)
	case string:
		resp.SetStatusText(s)
	default:
		return &TypeError{fmt.Sprintf("a status must be an int or a string, not %s", typeName(status))}
	}
	return nil
}

// updateHeaders sets each header, replacing any of the same name, as
// Werkzeug's Headers.update.
func updateHeaders(resp *toolkit.Response, h http1.Headers) {
	seen := map[string]bool{}
	for _, f := range h {
		if seen[strings.ToLower(f.Name)] {
			resp.Headers = resp.Headers.Add(f.Name, f.Value)
			continue
		}
		seen[strings.ToLower(f.Name)] = true
		resp.Headers = resp.Headers.Set(f.Name, f.Value)
	}
}

// runApp runs a gateway app for its whole answer, as Werkzeug's
// Response.force_type does with a WSGI callable.
func runApp(app gateway.App, env *gateway.Environ) (*toolkit.Response, error) {
	var status string
	var headers http1.Headers
	body, err := app(env, func(s string, h http1.Headers, _ error) error {
		status, headers = s, h.Clone()
		return nil
	})
	if err != nil {
		return nil, err
	}
	var chunks [][]byte
	for body != nil {
		b, err := body.Next()
		if err != nil {
			break
		}
		chunks = append(chunks, b)
	}
	if c, ok := body.(interface{ Close() error }); ok {
		c.Close()
	}
	resp := toolkit.NewResponseChunks(chunks, toolkit.StatusText(status), toolkit.WithHeaders(headers))
	return resp, nil
}

// typeName is the Python type a Go value stands for.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case bool:
		return "bool"
	case int, int64, int32:
		return "int"
	case float64, float32:
		return "float"
	case Tuple:
		return "tuple"
	case *toolkit.Response:
		return "Response"
	case toolkit.HTTPError:
		return "HTTPException"
	case iter.Seq[string], iter.Seq[[]byte], gateway.Body:
		return "generator"
	case gateway.App:
		return "function"
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Map:
		return "dict"
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Func:
		return "function"
	}
	return reflect.TypeOf(v).String()
}

// repr writes a view's value as Python's repr would.
func repr(v any) string {
	switch x := v.(type) {
	case Tuple:
		return x.String()
	case iter.Seq[string], iter.Seq[[]byte], gateway.Body:
		return "<generator object>"
	case gateway.App:
		return "<function>"
	case http1.Headers:
		parts := make([]string, len(x))
		for i, h := range x {
			parts[i] = "(" + toolkit.Repr(h.Name) + ", " + toolkit.Repr(h.Value) + ")"
		}
		return "[" + joinComma(parts) + "]"
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		return toolkit.Repr(m)
	case int:
		return strconv.Itoa(x)
	}
	if s, err := reprJSONish(v); err == nil {
		return s
	}
	return toolkit.Repr(v)
}

// responseFields are a Response as a hand-off shows it.
func responseFields(resp *toolkit.Response) []trace.Field {
	fields := []trace.Field{toolkit.F("response", resp.String()), toolkit.F("status", resp.Status())}
	for _, h := range resp.Headers {
		fields = append(fields, toolkit.F(h.Name, h.Value))
	}
	return fields
}
