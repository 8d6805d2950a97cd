package framework

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// events keeps what the layers record.
type events struct{ capture.Events }

// steps writes the hand-offs above the gateway as "toolkit>framework
// name: field=value ..." with the fields named.
func (e *events) steps(keys ...string) []string {
	var out []string
	for _, ev := range e.All() {
		if ev.Kind != trace.KindHandoff || ev.From == "prefork" {
			continue
		}
		arrow := ">"
		if ev.Dir == trace.Up {
			arrow = "<"
		}
		s := ev.From + arrow + ev.To + " " + ev.Name
		for _, f := range ev.Fields {
			for _, k := range keys {
				if f.Key == k {
					s += " " + k + "=" + f.Value
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// errorLog collects what an app writes to wsgi.errors.
type errorLog struct{ strings.Builder }

// run serves one request to app through the gateway, as a server would,
// and returns the answer's status.
func run(t *testing.T, app gateway.App, method, target string, sink trace.Sink) (string, *errorLog) {
	t.Helper()
	path, query, _ := strings.Cut(target, "?")
	env := gateway.NewEnviron()
	for _, kv := range [][2]string{{"REQUEST_METHOD", method}, {"SCRIPT_NAME", ""}, {"PATH_INFO", path},
		{"QUERY_STRING", query}, {"SERVER_NAME", "localhost"}, {"SERVER_PORT", "8000"}, {"REMOTE_ADDR", "127.0.0.1"}} {
		env.Set(kv[0], kv[1])
	}
	log := &errorLog{}
	env.Set(gateway.KeyErrors, log)
	tr := gateway.Tracer{Server: "prefork"}
	if sink != nil {
		tr.Tap = trace.NewTap(sink, "prefork")
	}
	w := &capture.Answer{}
	if err := gateway.Serve(app, env, w, tr); err != nil {
		t.Fatal(err)
	}
	return w.Status, log
}

func TestEveryStepIsAHandOff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, target, status string
		want                         []string
	}{
		{"the talk's request", "GET", "/", "200 OK", []string{
			"gateway>toolkit Request(environ)",
			"toolkit>framework url_map.match() endpoint=index",
			"toolkit>framework before_request call=stop_early() returned=None",
			"toolkit>framework view function call=index()",
			"toolkit<framework return value value='Hello, World! (from Flask)' type=str",
			"toolkit<framework make_response(rv) response=<Response 26 bytes [200 OK]>",
			"toolkit<framework after_request call=mark(response)",
			"gateway<toolkit Response response=<Response 26 bytes [200 OK]> call=response(environ, start_response)",
		}},
		{"a tuple", "GET", "/user/7", "201 CREATED", []string{
			"gateway>toolkit Request(environ)",
			"toolkit>framework url_map.match() endpoint=user",
			"toolkit>framework before_request call=stop_early() returned=None",
			"toolkit>framework view function call=user(id=7)",
			"toolkit<framework return value value=('user 7\\n', 201, {'X-Id': '7'}) type=tuple",
			"toolkit<framework make_response(rv) response=<Response 7 bytes [201 CREATED]>",
			"toolkit<framework after_request call=mark(response)",
			"gateway<toolkit Response response=<Response 7 bytes [201 CREATED]> call=response(environ, start_response)",
		}},
		{"a before_request answer", "GET", "/hello/x?stop=1", "200 OK", []string{
			"gateway>toolkit Request(environ)",
			"toolkit>framework url_map.match() endpoint=hello_name",
			"toolkit>framework before_request call=stop_early() returned='stopped by before_request\\n'",
			"toolkit<framework make_response(rv) response=<Response 26 bytes [200 OK]>",
			"toolkit<framework after_request call=mark(response)",
			"gateway<toolkit Response response=<Response 26 bytes [200 OK]> call=response(environ, start_response)",
		}},
		{"a 404 from the map", "GET", "/missing", "404 NOT FOUND", []string{
			"gateway>toolkit Request(environ)",
			"toolkit>framework url_map.match()",
			"toolkit>framework before_request call=stop_early() returned=None",
			"toolkit<framework raises exception=NotFound: 404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
			"toolkit<framework make_response(rv) response=<Response 207 bytes [404 NOT FOUND]>",
			"toolkit<framework after_request call=mark(response)",
			"gateway<toolkit Response response=<Response 207 bytes [404 NOT FOUND]> call=response(environ, start_response)",
		}},
		{"an error handler", "GET", "/forbidden", "403 FORBIDDEN", []string{
			"gateway>toolkit Request(environ)",
			"toolkit>framework url_map.match() endpoint=no",
			"toolkit>framework before_request call=stop_early() returned=None",
			"toolkit>framework view function call=no()",
			"toolkit<framework raises exception=Forbidden: 403 Forbidden: You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.",
			"toolkit>framework errorhandler call=forbidden(e)",
			"toolkit<framework make_response(rv) response=<Response 9 bytes [403 FORBIDDEN]>",
			"toolkit<framework after_request call=mark(response)",
			"gateway<toolkit Response response=<Response 9 bytes [403 FORBIDDEN]> call=response(environ, start_response)",
		}},
		{"a method view", "POST", "/item/3", "201 CREATED", []string{
			"gateway>toolkit Request(environ)",
			"toolkit>framework url_map.match() endpoint=item",
			"toolkit>framework before_request call=stop_early() returned=None",
			"toolkit>framework view function call=item(id=3)",
			"toolkit>framework method view call=item.post(id=3)",
			"toolkit<framework return value value=('posted item 3\\n', 201) type=tuple",
			"toolkit<framework make_response(rv) response=<Response 14 bytes [201 CREATED]>",
			"toolkit<framework after_request call=mark(response)",
			"gateway<toolkit Response response=<Response 14 bytes [201 CREATED]> call=response(environ, start_response)",
		}},
		{"automatic OPTIONS", "OPTIONS", "/user/7", "200 OK", []string{
			"gateway>toolkit Request(environ)",
			"toolkit>framework url_map.match() endpoint=user",
			"toolkit>framework before_request call=stop_early() returned=None",
			"toolkit>framework view function call=make_default_options_response()",
			"toolkit<framework make_response(rv) response=<Response 0 bytes [200 OK]>",
			"toolkit<framework after_request call=mark(response)",
			"gateway<toolkit Response response=<Response 0 bytes [200 OK]> call=response(environ, start_response)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &events{}
			status, _ := run(t, Tour().ServeWSGI, tt.method, tt.target, rec)
			if status != tt.status {
				t.Errorf("status %q, want %q", status, tt.status)
			}
			got := rec.steps("endpoint", "call", "returned", "value", "type", "response", "exception")
			// after_request's returned response is shown by the next step.
			for i := range got {
				got[i] = regexp.MustCompile(` returned=<Response[^>]*>`).ReplaceAllString(got[i], "")
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("steps\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestErrorsAreLoggedAsFlaskLogsThem(t *testing.T) {
	t.Parallel()
	want, err := os.ReadFile(filepath.Join(captures, "wsgi.errors"))
	if err != nil {
		t.Fatal(err)
	}
	stamp := regexp.MustCompile(`^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] `)
	var got []string
	for _, target := range []string{"/none", "/crash"} {
		status, log := run(t, Tour().ServeWSGI, "GET", target, nil)
		if status != "500 INTERNAL SERVER ERROR" {
			t.Errorf("%s: status %q", target, status)
		}
		lines := strings.Split(strings.TrimSpace(log.String()), "\n")
		got = append(got, stamp.ReplaceAllString(lines[0], "[<date>] "), lines[1])
	}
	// Python names the exception's class; a Go view returns an error.
	wantLines := strings.Split(strings.TrimSpace(string(want)), "\n")
	wantLines[3] = strings.Replace(wantLines[3], "RuntimeError: ", "error: ", 1)
	if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("wsgi.errors\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
	app := New("panics")
	app.AddURLRule("/", "boom", func(*Request, toolkit.Args) any { panic("boom") })
	status, log := run(t, app.ServeWSGI, "GET", "/", nil)
	if status != "500 INTERNAL SERVER ERROR" || !strings.Contains(log.String(), "ERROR in app: Exception on / [GET]\npanic: boom\n") {
		t.Errorf("a panicking view: %q, logged %q", status, log.String())
	}
}

func TestMakeResponse(t *testing.T) {
	t.Parallel()
	app := New("t")
	r := &Request{Request: toolkit.NewRequest(gateway.NewEnviron()), Rule: toolkit.NewRule("/", "e")}
	tests := []struct {
		name string
		rv   any
		want string // status and headers, or the error
	}{
		{"string", "x", "200 OK (Content-Type: text/html; charset=utf-8)(Content-Length: 1)"},
		{"status string", Tuple{"x", "418"}, "418 I'M A TEAPOT (Content-Type: text/html; charset=utf-8)(Content-Length: 1)"},
		{"headers only", Tuple{"x", map[string]string{"B": "2", "A": "1"}}, "200 OK (A: 1)(B: 2)(Content-Type: text/html; charset=utf-8)(Content-Length: 1)"},
		{"JSON with headers", Tuple{map[string]any{"a": 1}, 201, http1.Headers{{Name: "Content-Type", Value: "text/x"}}}, "201 CREATED (Content-Type: text/x)(Content-Length: 8)"},
		{"a response", toolkit.NewResponse("x", toolkit.Status(204)), "204 NO CONTENT (Content-Type: text/plain; charset=utf-8)(Content-Length: 1)"},
		{"a gateway app", gateway.App(gateway.Hello("hi\n")), "200 OK (Content-type: text/plain)(Content-Length: 3)"},
		{"nil", nil, "TypeError: The view function for 'e' did not return a valid response. The function either returned None or ended without a return statement."},
		{"a bad tuple", Tuple{"x", 1, nil, 2}, "TypeError: The view function did not return a valid response tuple. The tuple must have the form (body, status, headers), (body, status), or (body, headers)."},
		{"a number", 42, "TypeError: The view function did not return a valid response. The return type must be a string, dict, list, tuple with headers or status, Response instance, or WSGI callable, but it was a int."},
		{"not JSON", map[string]any{"f": func() {}}, "TypeError: Object of type func() is not JSON serializable"},
	}
	for _, tt := range tests {
		resp, err := app.MakeResponse(r, tt.rv)
		got := ""
		if err != nil {
			got = exceptionText(err)
		} else {
			got = resp.Status() + " "
			for _, h := range resp.Headers {
				got += "(" + h.Name + ": " + h.Value + ")"
			}
		}
		if got != tt.want {
			t.Errorf("%s: got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestDumpJSON(t *testing.T) {
	t.Parallel()
	got, err := DumpJSON(map[string]any{"z": []any{1, 2.0, 1e20, nil, true}, "a": "\"\\\n\t\x01\x7fé😀", "args": toolkit.Args{{Name: "b", Value: 1}, {Name: "a", Value: "x"}}})
	want := `{"a":"\"\\\n\t\u0001\u007f\u00e9\ud83d\ude00","args":{"a":"x","b":1},"z":[1,2.0,1e+20,null,true]}`
	if err != nil || got != want {
		t.Errorf("got %s, %v\nwant %s", got, err, want)
	}
	if _, err := DumpJSON([]byte("x")); err == nil {
		t.Error("bytes: no error")
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"hello": "hello", "helloName": "hello_name", "asJSON": "as_json", "HTTPServer": "http_server", "user2Name": "user2_name"} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
	if got := funcName(View(helloName)); got != "hello_name" {
		t.Errorf("funcName = %q", got)
	}
	if got := funcName(View(func(*Request, toolkit.Args) any { return nil })); got != "" {
		t.Errorf("a function literal is named %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Route with a function literal did not panic")
		}
	}()
	New("x").Route("/", func(*Request, toolkit.Args) any { return nil })
}

func TestWrapIsAppWSGIApp(t *testing.T) {
	t.Parallel()
	app := New("wrapped")
	app.Route("/", whoIs)
	inner := app.WSGIApp()
	app.Wrap(toolkit.ProxyFix{For: 1}.Wrap)
	env := gateway.NewEnviron()
	env.Set("REQUEST_METHOD", "GET")
	env.Set("PATH_INFO", "/")
	env.Set("REMOTE_ADDR", "127.0.0.1")
	env.Set("HTTP_X_FORWARDED_FOR", "203.0.113.7")
	body, err := app.ServeWSGI(env, func(string, http1.Headers, error) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	b, _ := body.Next()
	if string(b) != "203.0.113.7" {
		t.Errorf("behind ProxyFix the app sees %q", b)
	}
	if inner == nil || app.WSGIApp() == nil {
		t.Error("WSGIApp is nil")
	}
}

func whoIs(r *Request, args toolkit.Args) any { return r.RemoteAddr() }

// TestRun serves the talk's app with app.run on a port the system picks,
// found as a user finds it, in the server's " * Running on" line.
func TestRun(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	rec := &events{}
	go func() { done <- Talk().Run(ctx, "127.0.0.1:0", rec) }()
	var answer string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		addr := runningOn(rec)
		if addr == "" {
			continue
		}
		c, err := net.Dial("tcp", addr)
		if err != nil {
			continue
		}
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		b, _ := io.ReadAll(c)
		c.Close()
		answer = string(b)
		break
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(answer, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(answer, "Connection: close\r\n\r\nHello, World! (from Flask)") {
		t.Errorf("answer %q", answer)
	}
	var logs []string
	for _, e := range rec.All() {
		if e.Kind == trace.KindLog {
			logs = append(logs, string(e.Data))
		}
	}
	if len(logs) < 4 || logs[0] != " * Serving Flask app 'app'" || logs[1] != " * Debug mode: off" {
		t.Errorf("logs %q", logs)
	}
}

// runningOn returns the address the development server said it runs
// on, or "" before it said so.
func runningOn(rec *events) string {
	for _, e := range rec.All() {
		if addr, ok := strings.CutPrefix(string(e.Data), " * Running on http://"); ok && e.Kind == trace.KindLog {
			return addr
		}
	}
	return ""
}
