// Package cgi is the lab's CGI server: a web server that answers each
// request by running a new process, the script, as web servers did before
// WSGI (RFC 3875, the Common Gateway Interface, as Apache's mod_cgi and
// Python's http.server --cgi run it).
//
// A request for /cgi-bin/NAME/MORE?QUERY runs the script NAME. The
// request travels to it as environment variables (REQUEST_METHOD,
// QUERY_STRING, PATH_INFO = /MORE, HTTP_* for each header, ...) and its
// body on the script's standard input. The script writes its answer to
// standard output: header lines (Content-Type, and Status for another
// status than 200 OK), an empty line, the body. The server turns them
// into an HTTP/1.0 answer of its own and closes the connection, which
// ends the body. Then the script exits; the next request starts another.
//
// The scripts are the lab's own, compiled into its binaries: a script is
// the lab's lean child executable, or the lab's binary started again
// (packages child and lean), in the role of that script, so a request can run no
// other program and name no path. Each is a Go
// function registered under its name (Scripts lists them).
//
// NOTES:
//   - The server serves every connection at once, each in a goroutine of
//     its own (stack.NewConcurrent), as a CGI server of the 1990s forked
//     per connection: a client that takes its time holds up no other.
//     Each read from a client has Server.ReadTimeout (60 s by default, as
//     nginx's and Apache's): a client that sends nothing for that long is
//     dropped with no answer, and the script reading its body is killed.
//   - The body streams to the script's standard input as it arrives, in
//     hand-offs of up to 64 KiB; nothing holds it whole. A script that
//     does not read it all still gets its answer out: the server reads
//     and drops the rest. The output is held up to 64 KiB, so that a
//     short answer is sent whole once the script has exited, and the
//     server can still answer 500 for a script that failed; a longer one
//     streams to the client as the script writes it.
//   - Each script holds a lifeline to the lab (child.Tether): however the
//     lab ends, kill -9 included, a script in flight exits at once.
//   - The script's environment holds the meta-variables and nothing of
//     the lab's own environment, but for GORACE (atexit_sleep_ms=0 when
//     unset): a race-enabled binary otherwise sleeps a second as it
//     exits, which a test binary standing in for the lab is.
//   - Close kills the scripts being run; Shutdown lets them finish.
//   - A script whose input and output both stand still for Timeout is
//     killed and answered 504 (when its answer has not started); one
//     that exits without a header block, or fails, is answered 500, and
//     its standard error goes to the server's log.
package cgi
