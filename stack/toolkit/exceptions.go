package toolkit

import (
	"errors"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// HTTPError is an error that is also an answer: Werkzeug's HTTP
// exceptions, which an app raises to answer with an error page or a
// redirect. A view returns one as an error.
type HTTPError interface {
	error
	// StatusCode is the answer's status code.
	StatusCode() int
	// Response is the answer.
	Response() *Response
}

// HTTPException is an HTTP error as Werkzeug raises it: NotFound,
// MethodNotAllowed and the others. Its answer is Werkzeug's small HTML
// page, or Resp when it is set.
type HTTPException struct {
	Code        int
	Description string        // the page's text; Werkzeug's own when made by New
	Headers     http1.Headers // added after Content-Type, such as Allow
	Resp        *Response     // answered instead of the page, when not nil
}

// descriptions are Werkzeug 2.2.2's texts for its error pages.
var descriptions = map[int]string{
	400: "The browser (or proxy) sent a request that this server could not understand.",
	401: "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required.",
	403: "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.",
	404: "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
	405: "The method is not allowed for the requested URL.",
	406: "The resource identified by the request is only capable of generating response entities which have content characteristics not acceptable according to the accept headers sent in the request.",
	408: "The server closed the network connection because the browser didn't finish the request within the specified time.",
	409: "A conflict happened while processing the request. The resource might have been modified while the request was being processed.",
	410: "The requested URL is no longer available on this server and there is no forwarding address. If you followed a link from a foreign page, please contact the author of this page.",
	411: "A request with this method requires a valid <code>Content-Length</code> header.",
	412: "The precondition on the request for the URL failed positive evaluation.",
	413: "The data value transmitted exceeds the capacity limit.",
	414: "The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed.",
	415: "The server does not support the media type transmitted in the request.",
	416: "The server cannot provide the requested range.",
	417: "The server could not meet the requirements of the Expect header",
	418: "This server is a teapot, not a coffee machine",
	422: "The request was well-formed but was unable to be followed due to semantic errors.",
	423: "The resource that is being accessed is locked.",
	424: "The method could not be performed on the resource because the requested action depended on another action and that action failed.",
	428: `This request is required to be conditional; try using "If-Match" or "If-Unmodified-Since".`,
	429: "This user has exceeded an allotted request count. Try again later.",
	431: "One or more header fields exceeds the maximum size.",
	451: "Unavailable for legal reasons.",
	500: "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.",
	501: "The server does not support the action requested by the browser.",
	502: "The proxy server received an invalid response from an upstream server.",
	503: "The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.",
	504: "The connection to an upstream server timed out.",
	505: "The server does not support the HTTP protocol version used in the request.",
}

// Abort returns the HTTP exception Werkzeug raises for code, with its
// description, as abort(code). A code Werkzeug has no exception for still
// gives a page, named "Unknown Error" when the code has no name either.
func Abort(code int) *HTTPException {
	return &HTTPException{Code: code, Description: descriptions[code]}
}

// NotFound is Werkzeug's NotFound: 404.
func NotFound() *HTTPException { return Abort(404) }

// MethodNotAllowed is Werkzeug's MethodNotAllowed: 405, with an Allow
// header listing the methods the URL takes.
func MethodNotAllowed(valid []string) *HTTPException {
	e := Abort(405)
	e.Headers = http1.Headers{{Name: "Allow", Value: strings.Join(valid, ", ")}}
	return e
}

func (e *HTTPException) Error() string {
	return strconv.Itoa(e.Code) + " " + StatusName(e.Code) + ": " + e.Description
}

// StatusCode returns e.Code.
func (e *HTTPException) StatusCode() int { return e.Code }

// Page returns the HTML page e answers with, byte for byte Werkzeug's.
func (e *HTTPException) Page() string {
	name := Escape(StatusName(e.Code))
	desc := strings.ReplaceAll(Escape(e.Description), "\n", "<br>")
	return "<!doctype html>\n<html lang=en>\n<title>" + strconv.Itoa(e.Code) + " " + name +
		"</title>\n<h1>" + name + "</h1>\n<p>" + desc + "</p>\n"
}

// Response returns e's answer: Resp when set, else the page with
// Content-Type, e's Headers and Content-Length, in that order.
func (e *HTTPException) Response() *Response {
	if e.Resp != nil {
		return e.Resp
	}
	h := http1.Headers{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}
	return NewResponse(e.Page(), Status(e.Code), WithHeaders(append(h, e.Headers...)))
}

// ServeWSGI answers with e's response: an HTTP exception is a gateway app.
func (e *HTTPException) ServeWSGI(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
	return e.Response().ServeWSGI(env, start)
}

// String writes e as Python's repr does: <NotFound '404: Not Found'>.
func (e *HTTPException) String() string {
	return "<" + strings.ReplaceAll(StatusName(e.Code), " ", "") + " '" + strconv.Itoa(e.Code) + ": " + StatusName(e.Code) + "'>"
}

// RequestRedirect is the routing exception Werkzeug raises when a URL is
// right but for its form: a missing trailing slash, doubled slashes. It
// answers 308 Permanent Redirect to NewURL, which keeps the method and
// the body.
type RequestRedirect struct {
	NewURL string
}

func (e *RequestRedirect) Error() string { return "308 Permanent Redirect: " + e.NewURL }

// StatusCode returns 308.
func (e *RequestRedirect) StatusCode() int { return 308 }

// Response returns the redirect.
func (e *RequestRedirect) Response() *Response { return Redirect(e.NewURL, 308) }

// Redirect returns a response sending the client to location, as
// Werkzeug's redirect(): a small HTML page with a link, and a Location
// header after Content-Length.
func Redirect(location string, code int) *Response {
	loc := IRIToURI(location)
	page := "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n" +
		"<p>You should be redirected automatically to the target URL: <a href=\"" + Escape(loc) + "\">" +
		Escape(location) + "</a>. If not, click the link.\n"
	r := NewResponse(page, Status(code), Mimetype("text/html"))
	r.Headers = r.Headers.Set("Location", loc)
	return r
}

// AsHTTPError returns the HTTPError in err's chain, if there is one.
func AsHTTPError(err error) (HTTPError, bool) {
	var h HTTPError
	ok := errors.As(err, &h)
	return h, ok
}

// Escape escapes text for HTML as MarkupSafe's escape does: & < > ' and "
// as &amp; &lt; &gt; &#39; and &#34;.
func Escape(s string) string { return htmlEscaper.Replace(s) }

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&#39;", `"`, "&#34;")

// IRIToURI makes a URL with non-ASCII characters ASCII, as Werkzeug's
// iri_to_uri with safe_conversion: a URL that is already ASCII and has no
// white space is kept as it is; otherwise each byte outside what a URL
// may hold is %XX-escaped.
func IRIToURI(s string) string {
	keep := s != ""
	for i := 0; i < len(s) && keep; i++ {
		c := s[i]
		keep = c < 0x80 && c != ' ' && !('\t' <= c && c <= '\r') && !(0x1c <= c && c <= 0x1f)
	}
	if keep {
		return s
	}
	return Quote(s, "/:?#[]@&=%")
}
