// Package prefork is the lab's pre-fork server, after gunicorn 20.1.0 with
// its sync workers: a master that binds the socket and never accepts on
// it, and worker processes that accept on the shared socket, one request
// at a time, parse it, hand it to an app through the gateway interface
// (package gateway) and write the answer as gunicorn writes it.
//
// The master is the lab's own process: a Server and one goroutine, its
// arbiter, that owns the set of workers and changes it one step at a time,
// as gunicorn's arbiter loop does, so hooks fire in a fixed order. Workers
// are real processes with their own PIDs: the lab's lean child executable,
// or the lab's binary started again when there is none (Procs.Executable,
// resolved at Start), with the mark of package child, which makes main
// call RunWorker before anything else. A worker inherits three
// descriptors: a duplicate of the listening socket (3), a pipe to send the
// master its frames (4: trace events, "ready", heartbeats, flush answers),
// and a pipe from the master (5: its configuration, its commands, and end
// of file when the master dies, however it dies).
//
// Worker management follows gunicorn: a worker that dies is replaced; one
// silent for longer than Timeout is told to abort (worker_abort), then
// killed; Signal takes TTIN, TTOU, HUP, TERM, INT and QUIT; MaxRequests
// recycles a worker; Shutdown is TERM's graceful stop and Close the
// immediate one. The hooks gunicorn fires are events of the process that
// fires them, recorded when the configuration defines them (Options.Hooks;
// the talk's config.py by default, whose worker_init is no hook and is
// reported as such).
//
// Two options go beyond gunicorn's sync worker. WorkerClass "thread" is
// gunicorn's gthread: a worker serves up to Threads requests at once, each
// in a goroutine of its own (threads.go). Protocol "uwsgi" makes workers
// read the binary packets of nginx's uwsgi_pass (package uwsgi) instead of
// HTTP, as uWSGI's --protocol uwsgi does, and answer in bare HTTP, the
// app's status and headers alone (uwsgi.go).
//
// NOTES:
//   - Workers never outlive the master: EOF on the control pipe makes a
//     worker stop accepting and exit within half a second. Pdeathsig is not
//     used: in Go it follows the thread that started the child.
//   - Go cannot fork, so a new worker is a fresh process, of the lab's lean
//     child executable (a few milliseconds to initialise) or of the lab's
//     own binary (tens of milliseconds) when there is none. The
//     master keeps one spare process started ahead and waiting for its
//     configuration, so a killed worker is replaced in milliseconds, as a
//     fork would be. A spare is no worker: it is not in PIDs and fires no
//     hook until it is given a configuration.
//   - The socket goes down as cloudflare/tableflip hands a listener to its
//     child: a duplicate made with F_DUPFD_CLOEXEC, wrapped by os.NewFile,
//     which leaves it non-blocking (ln.File would make it blocking, and the
//     flag is shared by every copy of the socket, in every process). The
//     worker waits on Go's poller with a deadline and accepts with
//     accept(2) itself, without the socket options net would set on each
//     client, as gunicorn's sync worker (see acceptor). This is the Unix
//     path, the same on Linux and macOS; Windows cannot hand a socket down
//     this way, and Start says so (Supported).
//   - What gunicorn's master says to a worker with a signal (TERM, INT or
//     QUIT, ABRT) the lab's master says on the control pipe, which every
//     system has; the only signal it sends is the kill of a worker that
//     does not stop when told. A worker still takes those signals from a
//     shell (kill -TERM PID), as gunicorn's does.
//   - Workers send their events in batches (pipeSink), at flush points:
//     between requests at most every 5 ms, before waiting for more of a
//     request, once the app has run 20 ms, at the master's flush command,
//     at exit, and whenever 64 KiB wait. So the tap's invariant for
//     another process holds (see package trace): a worker's events reach
//     the recorder at the latest when FlushTrace returns, a round trip on
//     each control pipe. FlushTrace also waits for the workers to settle,
//     so a lesson shows a replaced worker's hooks in one place. A
//     worker's pipe has one trace.Encoder at its end, the master's
//     trace.Decoder at the other: a string sent once goes as a number
//     after that; the parts of an event's header that are the previous
//     event's (its connection, its layers), and fields that are the last
//     ones sent under the event's name, go as flags, and an environ as
//     the few fields that changed since the last.
//   - Workers read requests by gunicorn's rules, not nginx's: the HTTP
//     reader takes http1.GunicornLimits, whose Dialect makes it accept
//     what gunicorn accepts (a lower-case method, HTTP/2.0, a header that
//     continues on the next line), wait for CR LF where a bare LF ends
//     nothing, and refuse with the words of gunicorn's error page. Every
//     capture in testdata/gunicorn is answered byte for byte as gunicorn
//     did, but for the Server header and SERVER_SOFTWARE, which name the
//     lab, and an app that never calls start_response.
//   - wsgi.url_scheme is "https" when X-Forwarded-Proto: https (or
//     X-Forwarded-Ssl: on, X-Forwarded-Protocol: ssl) comes from an address
//     in forwarded_allow_ips, 127.0.0.1 by default: where nginx connects
//     from. Two of them that disagree get gunicorn's 400.
//   - A chunked request body is read by nginx's chunk rules: gunicorn's
//     differ at the edges (whitespace around a chunk size, a bare LF),
//     which only an app reading wsgi.input meets.
//   - After HUP the lab starts the new workers one after another; gunicorn
//     forks them all before any boots, so their hooks interleave there.
//   - The master's signals come as calls (Signal): it is the lab's process,
//     and a kill -HUP to it would reach the lab.
package prefork
