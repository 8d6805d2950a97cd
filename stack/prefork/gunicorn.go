package prefork

import (
	"html"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// The worker reads requests by gunicorn's rules (http1.GunicornLimits):
// its reader refuses what gunicorn's parser refuses, with gunicorn's
// words, and this file turns a refusal into gunicorn's answer.

// refusal is the answer to a request gunicorn refuses: its status, reason
// and the message on its error page.
type refusal struct {
	status int
	reason string
	mesg   string
}

func badRequest(mesg string) *refusal { return &refusal{400, "Bad Request", mesg} }

// internalError is gunicorn's answer to an app that failed, and to what
// its parser raises but its worker does not expect (an unsupported
// transfer coding).
var internalError = &refusal{500, "Internal Server Error", ""}

// refusalOf is gunicorn's answer to what the reader refused.
func refusalOf(e *http1.Error) *refusal {
	if e.Status == 400 {
		return badRequest(e.Detail)
	}
	return internalError
}

// errorPage is gunicorn's util.write_error: an HTML page, Connection:
// close, and no Server or Date header.
func errorPage(r *refusal) []byte {
	page := "<html>\n  <head>\n    <title>" + r.reason + "</title>\n  </head>\n  <body>\n    <h1><p>" +
		r.reason + "</p></h1>\n    " + html.EscapeString(r.mesg) + "\n  </body>\n</html>\n"
	page = strings.NewReplacer("&#39;", "&#x27;", "&#34;", "&quot;").Replace(page) // as Python's html.escape spells them
	head := "HTTP/1.1 " + strconv.Itoa(r.status) + " " + r.reason + "\r\nConnection: close\r\n" +
		"Content-Type: text/html\r\nContent-Length: " + strconv.Itoa(len(page)) + "\r\n\r\n"
	return []byte(head + page)
}
