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
// The scripts are the lab's own, compiled into its binary: a script is the
// lab's binary started again (package child) in the role of that script,
// so a request can run no other program and name no path. Each is a Go
// function registered under its name (Scripts lists them).
//
// NOTES:
//   - The server serves one connection at a time (stack.Serial), as the
//     dozen-line socket server does; a CGI server of the 1990s forked per
//     connection, but every request here still costs a new process.
//   - The script's environment holds the meta-variables and nothing of
//     the lab's own environment, but for GORACE (atexit_sleep_ms=0 when
//     unset): a race-enabled binary otherwise sleeps a second as it
//     exits, which a test binary standing in for the lab is.
//   - Close kills the script being run; Shutdown lets it finish.
//   - A script that runs longer than Timeout is killed and answered 504;
//     one that exits without a header block, or fails, is answered 500,
//     and its standard error goes to the server's log.
package cgi
