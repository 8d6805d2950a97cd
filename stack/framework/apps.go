package framework

import (
	"errors"
	"iter"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
)

// The Flask apps compiled into the lab, by the names lessons serve them
// with. testdata/flask/apps.py has each in Python, as Flask runs it.
func init() {
	gateway.RegisterBuild("app:application", func() gateway.App { return Talk().ServeWSGI })
	gateway.RegisterBuild("tour:application", func() gateway.App { return Tour().ServeWSGI })
}

// Talk makes the talk's Flask app (part V), which gunicorn serves as
// app:application.
func Talk() *App {
	app := New("app")
	app.Route("/", hello)
	return app
}

func hello(r *Request, args toolkit.Args) any { return "Hello, World! (from Flask)" }

// Tour makes an app with a route for each way a view can answer, before-
// and after-request hooks, an error handler and a method view.
func Tour() *App {
	app := New("tour")
	app.BeforeRequest(stopEarly)
	app.AfterRequest(mark)
	app.ErrorHandler(403, forbidden)
	app.AddURLRule("/", "index", hello)
	app.Route("/hello/<name>", helloName)
	app.Route("/user/<int:id>", user, "GET", "POST")
	app.AddURLRule("/json", "as_json", asJSON)
	app.AddURLRule("/list", "as_list", asList)
	app.AddURLRule("/bytes", "as_bytes", asBytes)
	app.Route("/none", nothing)
	app.Route("/stream", stream)
	app.Route("/status", status)
	app.Route("/headers", headers)
	app.Route("/response", response)
	app.Route("/teapot", teapot)
	app.AddURLRule("/forbidden", "no", forbid)
	app.Route("/docs/", docs)
	app.Route("/crash", crash)
	app.AddURLRule("/go", "go", goHello)
	app.AddView("/item/<int:id>", "item", item{})
	return app
}

func stopEarly(r *Request) any {
	if r.Args().Get("stop", "") != "" {
		return "stopped by before_request\n"
	}
	return nil
}

func mark(r *Request, resp *toolkit.Response) *toolkit.Response {
	resp.Headers = resp.Headers.Set("X-After", "mark")
	return resp
}

func forbidden(r *Request, err error) any { return Tuple{"no entry\n", 403} }

func helloName(r *Request, args toolkit.Args) any {
	return "Hello, " + toolkit.Escape(args.Text("name")) + "!\n"
}

func user(r *Request, args toolkit.Args) any {
	id := args.Text("id") // an int of any size, as Python's
	return Tuple{"user " + id + "\n", 201, map[string]string{"X-Id": id}}
}

func asJSON(r *Request, args toolkit.Args) any {
	return map[string]any{"name": "Flask", "layers": []string{"proxy", "prefork"}, "version": 2.2,
		"ok": true, "none": nil, "count": 3, "word": "Grüße <b>"}
}

func asList(r *Request, args toolkit.Args) any { return []any{1, "two", 3.0} }

func asBytes(r *Request, args toolkit.Args) any { return []byte("raw bytes\n") }

func nothing(r *Request, args toolkit.Args) any { return nil }

func stream(r *Request, args toolkit.Args) any {
	return iter.Seq[string](func(yield func(string) bool) {
		_ = yield("one\n") && yield("two\n")
	})
}

func status(r *Request, args toolkit.Args) any { return Tuple{"made\n", "201"} }

func headers(r *Request, args toolkit.Args) any {
	return Tuple{"with headers\n", http1.Headers{{Name: "X-A", Value: "1"}, {Name: "X-B", Value: "2"}}}
}

func response(r *Request, args toolkit.Args) any {
	resp := toolkit.NewResponse("made by hand\n", toolkit.Status(202), toolkit.WithDefaultMimetype("text/html"))
	resp.SetMimetype("text/plain")
	resp.SetCookie(toolkit.Cookie{Name: "flavour", Value: "oat"})
	return resp
}

func teapot(r *Request, args toolkit.Args) any { return toolkit.Abort(418) }

func forbid(r *Request, args toolkit.Args) any { return toolkit.Abort(403) }

func docs(r *Request, args toolkit.Args) any { return "docs\n" }

func crash(r *Request, args toolkit.Args) any { return errors.New("the view crashed") }

func goHello(r *Request, args toolkit.Args) any {
	u, err := r.URLFor("hello_name", toolkit.Args{{Name: "name", Value: "you"}, {Name: "x", Value: "1"}})
	if err != nil {
		return err
	}
	return toolkit.Redirect(u, 302)
}

// item is a method view: GET and POST, and HEAD through Get.
type item struct{}

func (item) Get(r *Request, args toolkit.Args) any {
	return "get item " + args.Text("id") + "\n"
}

func (item) Post(r *Request, args toolkit.Args) any {
	return Tuple{"posted item " + args.Text("id") + "\n", 201}
}
