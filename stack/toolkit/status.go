package toolkit

import (
	"strconv"
	"strings"
)

// statusNames are Werkzeug 2.2.2's HTTP_STATUS_CODES: the reason phrase
// it knows for each code. A Response's status line has it in upper case
// ("404 NOT FOUND"); an error page's title has it as written.
var statusNames = map[int]string{
	100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints",
	200: "OK", 201: "Created", 202: "Accepted", 203: "Non Authoritative Information",
	204: "No Content", 205: "Reset Content", 206: "Partial Content", 207: "Multi Status",
	208: "Already Reported", 226: "IM Used",
	300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other",
	304: "Not Modified", 305: "Use Proxy", 306: "Switch Proxy", 307: "Temporary Redirect",
	308: "Permanent Redirect",
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
	404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
	407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
	411: "Length Required", 412: "Precondition Failed", 413: "Request Entity Too Large",
	414: "Request URI Too Long", 415: "Unsupported Media Type",
	416: "Requested Range Not Satisfiable", 417: "Expectation Failed", 418: "I'm a teapot",
	421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked",
	424: "Failed Dependency", 425: "Too Early", 426: "Upgrade Required",
	428: "Precondition Required", 429: "Too Many Requests",
	431: "Request Header Fields Too Large", 449: "Retry With",
	451: "Unavailable For Legal Reasons",
	500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
	503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
	506: "Variant Also Negotiates", 507: "Insufficient Storage", 508: "Loop Detected",
	510: "Not Extended", 511: "Network Authentication Failed",
}

// StatusName returns the reason phrase Werkzeug knows for code, such as
// "Not Found", or "Unknown Error".
func StatusName(code int) string {
	if n, ok := statusNames[code]; ok {
		return n
	}
	return "Unknown Error"
}

// statusLines are the status of each known code, made once.
var statusLines = func() map[int]string {
	m := make(map[int]string, len(statusNames))
	for code, n := range statusNames {
		m[code] = strconv.Itoa(code) + " " + strings.ToUpper(n)
	}
	return m
}()

// StatusLine returns the status a Response sends for code: the code and
// its reason in upper case ("404 NOT FOUND"), or "UNKNOWN" as the reason
// for a code Werkzeug does not know.
func StatusLine(code int) string {
	if s, ok := statusLines[code]; ok {
		return s
	}
	return strconv.Itoa(code) + " UNKNOWN"
}

// cleanStatus reads a status as Werkzeug's Response does: a code alone
// ("201") gets its reason, a code and a reason are kept as given, and
// anything that does not start with a number becomes code 0.
func cleanStatus(s string) (status string, code int) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return "0 ", 0
	}
	code, err := strconv.Atoi(fields[0])
	if err != nil {
		return "0 " + s, 0
	}
	if len(fields) > 1 {
		return s, code
	}
	return StatusLine(code), code
}
