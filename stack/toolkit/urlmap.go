package toolkit

import (
	"fmt"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Map is a URL map, as Werkzeug's: rules, each naming an endpoint, that a
// request's path and method are matched against, and that URLs are built
// from. Add every rule before the first Bind; a Map is then safe for
// concurrent use.
type Map struct {
	// MergeSlashes, on by default, makes "/a//b" redirect to "/a/b" when
	// only that matches.
	MergeSlashes bool

	converters map[string]ConverterFactory
	byEndpoint map[string][]*Rule
	root       *state

	mu     sync.Mutex // guards sorted and the ordering update does
	sorted bool
}

// NewMap returns a Map with the given rules, or the first error in them:
// a malformed pattern, an unknown converter.
func NewMap(rules ...*Rule) (*Map, error) {
	m := &Map{MergeSlashes: true, converters: map[string]ConverterFactory{},
		byEndpoint: map[string][]*Rule{}, root: newState()}
	for n, f := range DefaultConverters {
		m.converters[n] = f
	}
	for _, r := range rules {
		if err := m.Add(r); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// AddConverter makes a converter known by name to the rules added after.
func (m *Map) AddConverter(name string, f ConverterFactory) { m.converters[name] = f }

// Add compiles r and adds it.
func (m *Map) Add(r *Rule) error {
	if err := r.compile(m.converters, m.MergeSlashes); err != nil {
		return err
	}
	m.byEndpoint[r.Endpoint] = append(m.byEndpoint[r.Endpoint], r)
	m.root.add(r)
	m.mu.Lock()
	m.sorted = false
	m.mu.Unlock()
	return nil
}

// update orders what matching and building try first, once after rules
// were added. The first Binds may run at once, so the ordering is done
// under a lock that every later match also passed through.
func (m *Map) update() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sorted {
		return
	}
	m.root.sort()
	for _, rs := range m.byEndpoint {
		// Rules with more variables are tried first when building.
		slices.SortStableFunc(rs, func(a, b *Rule) int { return cmpInt(len(b.arguments), len(a.arguments)) })
	}
	m.sorted = true
}

// Args are the values a rule's variables matched, in the rule's order,
// each converted: a string, an int (a *big.Int past an int's range, as
// Python's ints have none), a float64.
type Args []Arg

// Arg is one variable's name and value.
type Arg struct {
	Name  string
	Value any
}

// Value returns the value of name, or nil.
func (a Args) Value(name string) any {
	for _, x := range a {
		if x.Name == name {
			return x.Value
		}
	}
	return nil
}

// Text returns the value of name as text.
func (a Args) Text(name string) string {
	v := a.Value(name)
	if v == nil {
		return ""
	}
	if f, ok := v.(float64); ok {
		return ReprFloat(f)
	}
	return fmt.Sprint(v)
}

// String writes a as Python writes the dict of view arguments:
// {'id': 42}.
func (a Args) String() string {
	return reprPairs(len(a), func(i int) (string, any) { return a[i].Name, a[i].Value })
}

// Call writes a call of name with a as keyword arguments, as the view
// call it stands for: hello(name='World').
func (a Args) Call(name string) string {
	parts := make([]string, len(a))
	for i, x := range a {
		parts[i] = x.Name + "=" + Repr(x.Value)
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

// MapAdapter is a Map bound to one request: its host, scheme, where the
// app is mounted, path and method, as Werkzeug's bind_to_environ makes it.
type MapAdapter struct {
	// Hop is where matches are recorded; Bind sets it to the request's
	// hop, from the gateway to the toolkit.
	Hop Hop

	m          *Map
	serverName string
	badHost    bool   // the host cannot be encoded: every match is a 400
	scriptName string // always ends with a slash
	scheme     string
	pathInfo   string
	method     string
	query      string
}

// Bind binds m to req.
func (m *Map) Bind(req *Request) *MapAdapter {
	m.update()
	env := req.Environ()
	script := ValidUTF8(env.String("SCRIPT_NAME"))
	if !strings.HasSuffix(script, "/") {
		script += "/"
	}
	host, err := encodeHost(req.Host())
	return &MapAdapter{
		Hop: req.Hop(), m: m, serverName: host, badHost: err != nil,
		scriptName: script, scheme: req.Scheme(),
		pathInfo: ValidUTF8(env.String("PATH_INFO")), method: req.Method(),
		query: ValidUTF8(req.QueryString()),
	}
}

// Match matches the request's path and method. It returns the rule and
// the converted values, or the error Werkzeug raises: a *HTTPException
// 404 or 405 (with Allow), or a *RequestRedirect. It records what it
// found on a.Hop.
func (a *MapAdapter) Match() (*Rule, Args, error) {
	r, args, err := a.MatchPath(a.pathInfo, a.method)
	if a.Hop.On() {
		a.record(r, args, err)
	}
	return r, args, err
}

func (a *MapAdapter) record(r *Rule, args Args, err error) {
	if err == nil {
		a.Hop.Down("url_map.match()", F("rule", r.Pattern), F("endpoint", r.Endpoint), F("view_args", args.String()))
		return
	}
	fields := []trace.Field{F("raises", errorName(err))}
	if h, ok := AsHTTPError(err); ok {
		resp := h.Response()
		fields = append(fields, F("status", resp.Status()))
		for _, name := range []string{"Allow", "Location"} {
			if v := resp.Headers.Get(name); v != "" {
				fields = append(fields, F(name, v))
			}
		}
	}
	a.Hop.Down("url_map.match()", fields...)
}

// errorName names an error as Werkzeug's exception classes are named.
func errorName(err error) string {
	switch e := err.(type) {
	case *HTTPException:
		return strings.ReplaceAll(StatusName(e.Code), " ", "")
	case *RequestRedirect:
		return "RequestRedirect"
	}
	return err.Error()
}

// MatchPath matches path and method without recording anything. A host
// that cannot be encoded is Werkzeug's BadHost, a 400, whatever the path.
func (a *MapAdapter) MatchPath(pathInfo, method string) (*Rule, Args, error) {
	if a.badHost {
		return nil, nil, Abort(400)
	}
	path := ""
	if pathInfo != "" {
		path = "/" + strings.TrimLeft(pathInfo, "/")
	}
	res := &matchResult{}
	a.m.walk(path, method, res)
	if res.rule == nil && !res.slashRequired && a.m.MergeSlashes {
		merged := mergeDoubleSlashes(path)
		a.m.walk(merged, method, res)
		if res.rule != nil {
			return nil, nil, &RequestRedirect{NewURL: a.redirectURL(merged)}
		}
		path = merged
	}
	switch {
	case res.slashRequired:
		return nil, nil, &RequestRedirect{NewURL: a.redirectURL(path + "/")}
	case res.rule == nil && len(res.haveMatchFor) > 0:
		return nil, nil, MethodNotAllowed(OrderMethods(res.haveMatchFor))
	case res.rule == nil:
		return nil, nil, NotFound()
	}
	args := make(Args, len(res.rule.converters))
	for i, v := range res.rule.converters {
		val, err := v.conv.ToValue(res.values[i])
		if err != nil {
			if len(res.haveMatchFor) > 0 {
				return nil, nil, MethodNotAllowed(OrderMethods(res.haveMatchFor))
			}
			return nil, nil, NotFound()
		}
		args[i] = Arg{v.name, val}
	}
	return res.rule, args, nil
}

// redirectURL is where a RequestRedirect sends the client: the bound
// host, where the app is mounted, the new path, and the query string.
func (a *MapAdapter) redirectURL(path string) string {
	p := strings.TrimLeft(Quote(path, "/:|+"), "/")
	if s := strings.Trim(a.scriptName, "/"); s != "" {
		p = s + "/" + p
	}
	u := a.scheme + "://" + a.serverName + "/" + p
	if a.query != "" {
		u += "?" + a.query
	}
	return u
}

// AllowedMethods returns the methods the request's path takes.
func (a *MapAdapter) AllowedMethods() []string {
	_, _, err := a.MatchPath(a.pathInfo, "--")
	if e, ok := err.(*HTTPException); ok && e.Code == 405 {
		return strings.Split(e.Headers.Get("Allow"), ", ")
	}
	return nil
}

// Build returns the URL of endpoint with the given values, as Werkzeug's
// url_for builds it: the first rule of the endpoint that takes method
// ("" for GET) and has all its variables among values, each written by
// its converter; values the rule has no variable for become the query
// string. With external, the URL starts with the scheme and host.
func (a *MapAdapter) Build(endpoint string, values Args, method string, external bool) (string, error) {
	a.m.update()
	if method == "" {
		method = "GET"
	}
	for _, r := range a.m.byEndpoint[endpoint] {
		if r.methods != nil && !r.methods[method] || !r.suitable(values) {
			continue
		}
		path, err := r.build(values)
		if err != nil {
			return "", err
		}
		if external {
			return a.scheme + "://" + a.serverName + a.scriptName[:len(a.scriptName)-1] + "/" + strings.TrimLeft(path, "/"), nil
		}
		return strings.TrimRight(a.scriptName, "/") + "/" + strings.TrimLeft(path, "/"), nil
	}
	return "", &BuildError{Endpoint: endpoint, Values: values, Method: method}
}

// BuildError says no rule can build the URL asked for.
type BuildError struct {
	Endpoint string
	Values   Args
	Method   string
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("toolkit: could not build url for endpoint %s with values %s", Repr(e.Endpoint), e.Values)
}

// suitable reports whether values has every variable of r.
func (r *Rule) suitable(values Args) bool {
	for name := range r.arguments {
		if values.Value(name) == nil {
			return false
		}
	}
	return true
}

// build writes r's path with values, the unused ones as a query string.
func (r *Rule) build(values Args) (string, error) {
	var b strings.Builder
	var query []Pair
	convs := map[string]Converter{}
	for _, v := range r.converters {
		convs[v.name] = v.conv
	}
	for _, t := range r.trace {
		if !t.variable {
			b.WriteString(Quote(t.text, "/:|+"))
			continue
		}
		s, err := convs[t.text].ToURL(values.Value(t.text))
		if err != nil {
			return "", fmt.Errorf("toolkit: building %s: %w", r.Pattern, err)
		}
		b.WriteString(s)
	}
	for _, v := range values {
		if r.arguments[v.Name] || v.Value == nil {
			continue
		}
		if list, ok := v.Value.([]string); ok {
			for _, x := range list {
				query = append(query, Pair{v.Name, x})
			}
			continue
		}
		query = append(query, Pair{v.Name, queryText(v.Value)})
	}
	if len(query) > 0 {
		b.WriteString("?" + EncodeQuery(query))
	}
	return b.String(), nil
}

func queryText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return ReprFloat(x)
	case int:
		return strconv.Itoa(x)
	}
	return fmt.Sprint(v)
}
