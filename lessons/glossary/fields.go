package glossary

// fields explains the fields of the hand-offs that are not bytes on a
// socket: start_response's, and those of the toolkit (Werkzeug) and the
// framework (Flask) as a request goes through them.
var fields = map[string]string{
	"status":      "The status line's code and reason, as the app gives them to start_response (200 OK). Werkzeug writes the reason in capitals (404 NOT FOUND).",
	"exc_info":    "The error an app is handling when it calls start_response a second time, to replace a status not sent yet.",
	"method":      "The request's method, as the toolkit's Request reads it from REQUEST_METHOD, upper-cased.",
	"url":         "The whole URL the toolkit rebuilds from the environ: scheme, Host (or SERVER_NAME), where the app is mounted, the path and the query.",
	"path":        "The path inside the app, from PATH_INFO, always starting with a slash.",
	"args":        "The query string taken apart into keys and values (request.args): a MultiDict, which keeps every value of a key that came more than once.",
	"remote_addr": "Who the app thinks the client is: REMOTE_ADDR, the peer that connected. Behind a proxy that is the proxy, unless ProxyFix put the client there.",
	"form":        "The fields of a urlencoded or multipart body (request.form), parsed the first time the app asks.",
	"files":       "How many files a multipart body uploaded (request.files).",
	"rule":        "The URL rule that matched the path, with its variables in angle brackets and their converters (/user/<int:id>).",
	"endpoint":    "The name the matched rule stands for; in Flask, the name of the view function that answers it.",
	"view_args":   "The values the rule's variables matched, each made by its converter: <int:id> gives a number, not text.",
	"raises":      "The error the URL map raised instead of a match: NotFound (404), MethodNotAllowed (405), or RequestRedirect (308) for a missing trailing slash.",
	"response":    "The Response object: its body's length (or streamed) and its status. Called as response(environ, start_response), it calls start_response itself.",
	"call":        "The function called here, with the arguments it got, written as Python would show the call.",
	"returned":    "What a hook returned. A before_request hook that returns anything but None answers the request instead of the view.",
	"value":       "What the view function returned, as Python would print it: Flask turns it into a Response according to its type.",
	"type":        "The Python type of what the view returned: str and bytes become the body, dict and list JSON, a tuple adds a status and headers.",
	"exception":   "The error raised, named by its class: an HTTP error (NotFound, Forbidden) is an answer of its own; any other becomes 500.",
	"code":        "The status code an error handler was registered for.",
	"mount":       "The prefix DispatcherMiddleware found an app mounted at, moved from PATH_INFO to SCRIPT_NAME.",
	"changed":     "What a middleware changed in the environ on its way in.",
}
