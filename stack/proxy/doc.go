// Package proxy is the lab's nginx: a static web server and reverse proxy
// that reads nginx.conf and answers, byte for byte, as Debian's nginx
// 1.22.1 does. Only its name differs: the Server header and the signature
// of its error pages say "nginx/1.22.1 (ngw2f-lab)" where nginx says
// nginx/1.22.1.
//
// A Config comes from an nginx.conf (LoadFile) or is one of the talk's
// own (LoadEmbedded: "part-1", nginx alone; "part-2", nginx in front of an
// app server on 127.0.0.1:8000; "uwsgi", part-2 with uwsgi_pass;
// "balance" and "balance-least", three app servers on 127.0.0.1:9001 to
// 9003 balanced round-robin or with least_conn). New makes a Server of
// it, a stack.Layer.
//
// It serves files from root or alias with index and try_files, MIME types
// from types and default_type, If-Modified-Since, If-None-Match, If-Match,
// If-Unmodified-Since, Range (one range, several, If-Range), nginx's
// directory redirect and its error pages; it answers return; it proxies
// with proxy_pass (HTTP/1.0 upstream, proxy_set_header first, then the
// client's headers) or uwsgi_pass, to an address or an upstream balanced
// round-robin with weights or by least_conn, with max_fails, fail_timeout
// and proxy_next_upstream; it writes nginx's access log lines (combined,
// or a log_format) and error log lines to the trace and to their files.
//
// The files in this package follow a request: conn.go reads requests off a
// connection, request.go checks them and runs nginx's phases, match.go
// finds the location, phases.go and static.go serve files (conditional.go
// the conditions and ranges), proxypass.go and relay.go proxy, balance.go
// picks upstream servers, response.go writes heads and error pages,
// logs.go writes the logs, variables.go gives $uri and the rest.
// config.go, directives*.go and compile.go read the configuration; the
// conf subpackage reads nginx.conf's syntax.
//
// NOTES:
//   - nginx runs worker processes around an event loop; the proxy runs as
//     goroutines inside the lab's process, one per connection, parked in
//     Go's netpoller (epoll) while they wait; the lab's process runs them
//     on one Go processor (stack.OneProcessor), one at a time as nginx's
//     one worker runs its connections. worker_processes,
//     accept_mutex, sendfile, tcp_nopush, tcp_nodelay, the hash sizes,
//     the temp paths but client_body_temp_path, and gzip are read,
//     checked and without effect. gzip stays off so that the bytes stay
//     readable.
//   - worker_connections bounds the connections as nginx 1.22's one
//     worker does (conntable.go): clients and upstream connections share
//     it, less one slot per listening socket and one for the channel to
//     the master. When it runs low, the connections waiting longest for a
//     request are closed ("reusing connections", warned once a second);
//     when none waits, a new client is closed at once and an upstream
//     connection answered 500, with nginx's alert. The captures under
//     testdata/interop/worker-connections-* are nginx's own.
//   - A request body is read whole before it goes upstream
//     (proxy_request_buffering on): in memory when what is left after the
//     head is less than client_body_buffer_size and a quarter (8k, two
//     pages on x86-64, by default), else to a file of its own under
//     client_body_temp_path (client_body_temp under the prefix by
//     default), with nginx's warning, removed when the request ends. The
//     head's reader buffers up to 4 KiB where nginx's first buffer is 1k,
//     so a body sent with its head and within a few KiB of the limit may
//     stay in memory here where nginx spools it.
//   - The lab decides where the proxy listens (stack.Config.Addr): the
//     listen directives are read and checked but not used, and every
//     server block is served on that one address, chosen by server_name
//     as nginx does. ListenPort gives the port the file's listen
//     directives name, which ngw2f-lab up --config obeys.
//   - Every upstream address goes through stack.Config.Peer, so that a
//     configuration naming the talk's 127.0.0.1:8000 reaches the app
//     server wherever it really listens; logs and Host headers keep the
//     configured address.
//   - A connection waiting for a request holds its buffers for a quarter
//     of a second, then lets them go (the read buffer and the one its
//     answers were built in) and waits for the socket to be readable with
//     none, as nginx frees an idle connection's buffers. A fresh
//     goroutine waits then, as the serving one's stack grew to what a
//     request takes and Go seldom shrinks it: about 4 KB a connection
//     (2-4 KB of stack, its socket, its tap), 5,000 of them 20 MB
//     (bench/memory). After a crowd of connections went idle or closed,
//     and once things are quiet, the proxy hands the memory they left
//     back to the system (tidy.go), which Go would do only over minutes.
//   - What the proxy puts in the system's temporary directory is named
//     ngw2f-lab-proxy-PID-...: a lab killed with -9 removes nothing, and
//     the next proxy to start sweeps what labs that no longer run left
//     (sweep.go), never a running lab's.
//   - A path is the root followed by the URI, or the alias followed by
//     what of the URI comes after the location's prefix, glued on as
//     strings, as nginx does: "location /static/ { alias html; }" maps
//     /static/index.html to htmlindex.html, beside the directory.
//   - Paths are opened through os.Root, which never leaves the directory
//     they land in. nginx follows a symlink that leads out of the root
//     (disable_symlinks is off by default), and an alias glued to "../"
//     ("location /img { alias html/; }" and /img../x); where a file is
//     there, the proxy answers as nginx does with disable_symlinks on:
//     403, and "(40: Too many levels of symbolic links)" in the error log,
//     and the journey gets a note ("note" log events) saying that nginx
//     would have served it, and why the lab does not. Where nothing is
//     there, its answer is nginx's: 404.
//   - The HTTP reader reads whole lines; nginx reads byte by byte and
//     refuses a request at its first bad byte. The proxy does the same
//     for a first byte that cannot start a method (a TLS handshake on this
//     plain port gets nginx's 400 at once); other bad bytes are seen when
//     their line ends.
//   - proxy_buffering on reads the upstream's whole answer before the
//     client gets any of it (to memory, then a temporary file of the
//     system's past 1 MiB);
//     nginx sends the head first. The bytes are the same; a chunked
//     answer relayed with buffering on is one chunk, where nginx's chunks
//     follow its buffers.
//   - Small files (64 KiB at most) are kept in memory between requests,
//     used only while the file's size, modification time and inode are
//     those it was read with, checked on every request.
//   - The error log goes to the trace from level info up, so that a
//     learner sees why a request was refused; the file gets what its
//     error_log level says. A line below that level (error, when no
//     error_log says otherwise: the talk's configuration) is one nginx
//     would not write: its trace event is named ErrorLogBelow, and the
//     transcripts show it as such. Without an error_log, only the trace
//     gets the lines; nginx would write to its compiled-in default file,
//     and the lab writes nowhere it was not told to.
//   - Not implemented, and refused with a message when configured: regular
//     expression captures, if, rewrite, error_page, autoindex, ip_hash,
//     hash, random, unix sockets, https upstreams, variables in root,
//     alias, proxy_pass and uwsgi_pass.
package proxy
