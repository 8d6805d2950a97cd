package glossary

// headers explains header names, by their lower-case spelling.
var headers = map[string]string{
	"host": "Which site the client wants. One address can serve many sites, so HTTP/1.1 " +
		"requires it; nginx answers a 1.1 request without it with 400. A proxy passes it on " +
		"(proxy_set_header Host $http_host) so the app knows what name it was reached by.",
	"user-agent":      "The program that made the request (curl/7.88.1, a browser). Informative only: servers must not trust it.",
	"accept":          "The media types the client can take, with preferences (text/html, */*;q=0.8).",
	"accept-encoding": "Compressions the client can undo (gzip, br). A server may then compress the body and say so in Content-Encoding.",
	"accept-language": "The human languages the client prefers, for servers that have more than one.",
	"accept-ranges":   "Sent by a server: it can send parts of this resource (bytes) when asked with Range. nginx sends it for static files.",
	"connection": "What to do with this connection after the message: close, or keep-alive. HTTP/1.0 closes " +
		"unless told keep-alive; HTTP/1.1 keeps it open unless told close. It concerns one hop only: a proxy " +
		"does not pass it on, and says its own.",
	"keep-alive": "Old HTTP/1.0 way to tune a kept-alive connection (timeout, max requests). It concerns one hop only.",
	"content-length": "How many bytes of body follow the head. It is how the reader knows where a message ends " +
		"without the connection closing: without it (and without chunks) only the close ends the body.",
	"content-type":      "The media type of the body (text/html; charset=utf-8). The app sets it; the proxy passes it through.",
	"content-encoding":  "The compression applied to the body (gzip): undo it to get what Content-Type describes.",
	"transfer-encoding": "chunked means the body comes in pieces, each prefixed by its size in hex, ending with a 0-size chunk: a way to send a body whose length is not known up front. It concerns one hop only.",
	"server":            "The server software, as it names itself (nginx/1.22.1, gunicorn). Behind a proxy, the client sees the proxy's.",
	"date":              "When the answer was made, in the fixed HTTP date format, always GMT. Servers must send it.",
	"last-modified":     "When the resource last changed; a client may ask again with If-Modified-Since and get a short 304.",
	"etag":              "A tag that changes whenever the resource does. nginx makes it from the file's modification time and size, in hex (\"556e300e-c\").",
	"if-modified-since": "Conditional request: send the body only if the resource changed since this date, else 304 Not Modified.",
	"if-none-match":     "Conditional request: send the body only if the resource's ETag is none of these, else 304 Not Modified.",
	"cache-control":     "Caching rules for clients and caches (no-cache, max-age=60).",
	"expires":           "Old HTTP/1.0 way to say until when an answer may be cached.",
	"location":          "Where to go instead: the target of a redirect (301, 302) or of a resource just created (201).",
	"x-forwarded-for": "Not a standard header, but every proxy sends it: the client addresses the request passed " +
		"through, the nearest last. A proxy adds the address it was reached from ($proxy_add_x_forwarded_for), " +
		"because behind it the app only sees the proxy's address.",
	"x-forwarded-proto": "Set by a proxy: the scheme the client used (http, https), which the app cannot see behind the proxy.",
	"x-forwarded-host":  "Set by a proxy: the Host the client asked for, when the proxy changes Host.",
	"x-real-ip":         "Set by some proxy configurations: the client's own address, one value only.",
	"x-id": "Not a standard header: lesson 6's tour app makes it up. Its view user returns a tuple of " +
		"the body, the status 201 and {'X-Id': '7'}, and Flask adds the tuple's headers to the Response it makes.",
	"x-after": "Not a standard header: lesson 6's tour app makes it up. Its after_request hook, mark, adds it " +
		"to every response, even a 500, to show that the hook runs after the view.",
	"cookie":        "State the client stored for this site, sent back with each request.",
	"set-cookie":    "Sent by a server: asks the client to store a cookie and send it back later.",
	"referer":       "The page that linked to this request (spelled with one r, since 1996).",
	"authorization": "Credentials for the resource (Basic, Bearer).",
	"range":         "Asks for part of the resource only (bytes=0-99); the answer is then 206 Partial Content.",
	"content-range": "Says which part of the resource a 206 answer carries.",
	"expect":        "100-continue: the client waits for a 100 before sending a large body.",
	"upgrade":       "Asks to switch protocols on this connection (websocket); the answer is 101.",
	"vary":          "Which request headers the answer depends on, for caches.",
	"allow":         "Sent with 405: the methods the resource does allow.",
	"x-stream":      "Not a header any program knows: the lab's stream app sends it, to show an app's own headers going out as it wrote them.",
	"x-middleware":  "Not a header any program knows: a middleware of lesson 4 adds it to every answer on its way out.",
	"x-cache":       "Set by a caching layer (here the lab's cache middleware): HIT when the answer came from the cache, MISS when the app made it.",
	"x-padding":     "Not a header any program knows: the lessons pad a request with it, longer than one read in lesson 1, over 8 KiB in the drills.",
	"x-lab":         "Not a header any program knows: a header of your own, for the challenges; the drills of lessons 5 and 6 send it 101 times, one more than gunicorn and Python's http.server take.",
	"x_forwarded_for": "X-Forwarded-For spelt with underscores, a trick to forge it: nginx drops names with underscores " +
		"by default (underscores_in_headers off), but gunicorn 20.1.0 passes them on, to the very environ key " +
		"X-Forwarded-For gets, HTTP_X_FORWARDED_FOR.",
}
