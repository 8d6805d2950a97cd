package glossary

// parts explains the parts of request and status lines, and the methods
// and versions found in them.
var parts = map[string]string{
	"method": "The first word of a request line: what the client wants done (GET, POST, HEAD). " +
		"Case matters: nginx rejects get.",
	"target": "The second word of a request line: which resource, usually a path and an optional ?query. " +
		"The app server splits it into PATH_INFO and QUERY_STRING.",
	"version": "The last word of a request line, or the first of a status line: the HTTP version spoken. " +
		"A request line without one is an HTTP/0.9 simple request.",
	"status code": "The three digits of a status line, which programs read: 2xx success, 3xx look elsewhere, " +
		"4xx the client's mistake, 5xx the server's failure.",
	"reason":     "The words after the status code (OK, Not Found), for people only: programs read the code.",
	"empty line": "A line with nothing on it ends the head of a message; the body, if any, follows it.",
	"GET":        "Fetch the resource. It has no body, and doing it twice is the same as doing it once.",
	"HEAD":       "Like GET, but the answer carries the head only: the same headers, no body.",
	"POST":       "Send data (a body) for the resource to process: a form, an upload.",
	"PUT":        "Store the body as the resource at the target.",
	"DELETE":     "Remove the resource.",
	"OPTIONS":    "Ask which methods and features the resource supports.",
	"PATCH":      "Change part of the resource.",
	"HTTP/0.9":   "1991: a single line, GET /path, and the answer is the document alone, ended by the close.",
	"HTTP/1.0":   "1996, RFC 1945: a version, headers, a status line; the connection closes after each answer unless kept alive.",
	"HTTP/1.1":   "1999, RFC 2616, rewritten as RFCs 7230-7235 in 2014: Host required, connections kept open, chunked bodies.",
}
