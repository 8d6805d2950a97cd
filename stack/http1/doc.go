// Package http1 reads and writes HTTP/1.x messages byte for byte. Every
// layer of the lab that speaks HTTP uses it: the nginx-like proxy on both
// of its sides, the gunicorn-like workers, and the lab's own client.
//
// A Reader reads requests (ReadRequest) or responses (ReadResponse) one
// after another from a connection. It keeps each header's name in the case
// it was sent, in the order it was sent, and keeps the lines that nginx
// would ignore, marked Invalid, so that the lab can show them. A message's
// Body reads exactly its body, from a Content-Length, from chunks, or until
// the connection closes, and never a byte past it, so a pipelined request
// stays in the Reader for the next call.
//
// What the Reader accepts and refuses follows nginx 1.22 as measured on
// Debian's nginx 1.22.1, and a refused request gives an *Error that says
// what nginx answers (400, 414, 501 or 505) and what it logs. Limits
// models nginx's header buffers (NginxLimits). Each layer reads as the
// program it mirrors: with Dialect Gunicorn (GunicornLimits), requests are
// read by gunicorn 20.1.0's rules instead, and an *Error says what
// gunicorn's error page says (gunicorn.go); responses are always read as
// nginx reads an upstream's.
//
// The package reads; each layer writes its own bytes, as the program it
// mirrors writes them.
//
// NOTES (on nginx's rules unless said otherwise):
//   - nginx reads a head byte by byte and stops at the first bad byte; the
//     Reader reads a line at a time and then walks it the same way, so the
//     same requests are refused with the same status. When a line is too
//     long, the part that fits is still checked first: "get /aaaa..." of
//     9000 bytes is 400 (bad method), not 414, as in nginx.
//   - A header line with no colon ("Foo") is not ignored by nginx 1.22.1: it
//     is a header named Foo with an empty value, which a proxy_pass forwards
//     as "Foo: ". Lines nginx does ignore (a name with '_' or a character
//     other than letters, digits and '-') are kept with Invalid set and do
//     not count towards MaxHeaders, as in nginx.
//   - Any CR and LF bytes before a request line are skipped, bare CRs too,
//     as nginx does; io.EOF after nothing but those is still io.EOF.
//     Elsewhere a CR must come right before an LF, except that a header
//     line may end in several CRs ("X: a\r\r\n"), which nginx accepts.
//   - HTTP/0.9: "GET /" alone is a simple request with no headers; any other
//     method gets 400, and ReadRequest returns the request with the error
//     so that a server answers without a status line, as nginx does. No
//     bytes tell an HTTP/0.9 answer from garbage: nginx 1.22.1 relays an
//     upstream's answer that has no valid status line to its client as it
//     is. ReadResponse gives an *Error with Status 0 for it, and
//     ReadSimpleResponse then relays it from its first byte.
//   - Responses are read as nginx reads an upstream's (measured): the last
//     Content-Length counts, an invalid one counts as none, chunked beats
//     Content-Length, '_' and other odd name bytes are fine, a second
//     "HTTP/..." line is ignored (Invalid), and the whole head must fit in
//     MaxResponseHead (proxy_buffer_size: 4096 bytes, measured) or it is a
//     502. Response heads are not packed.
//   - Rules that need more than the message's syntax are the server's, not
//     the Reader's: nginx's 400 for an HTTP/1.1 request without Host (so
//     "HTTP/1.2" parses as 1.2 here), for a second Host, for an invalid Host
//     or a URI that climbs above the root, and its 405 for TRACE or for a
//     POST to a static file.
//   - Packing is modelled per request from an empty first buffer. On a
//     keep-alive connection nginx may start the next request in a buffer
//     the last one left, so its limits can differ slightly there.
//   - nginx skips a chunked body's trailers without looking at them; the
//     Reader keeps them in Trailers, and to bound its memory it refuses more
//     than MaxHeaders of them, or one longer than MaxHeaderLine (or
//     LargeBuffer), which nginx would accept.
//   - ReadRequest and ReadResponse first read to its end any body the caller
//     left unread; for a body that runs until close, that is until close.
package http1
