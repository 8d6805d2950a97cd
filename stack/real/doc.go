// Package real runs the real programs the lab's layers stand for (nginx,
// gunicorn, uWSGI, Python's wsgiref and Werkzeug's development server, and
// the talk's dozen-line socket server) as layers of the lab, with the
// same surface as its own (stack.Layer, and KillWorker and Signal where a
// program has workers and a master), so that a lesson, up or compare runs
// the same steps on them (ngw2f-lab --real).
//
// Each program starts with the talk's own files (its nginx.conf parts,
// its config.py, whose hooks say when they fire, its app.py files),
// written to a private directory of its own, in the foreground, on a
// private loopback port. The lab sees its traffic through relays: a Relay
// in front of each program, where clients connect, taps what crosses as
// the lab's own layers tap their connections; nginx's upstreams point at
// relays of the nginx layer, which tap the connections nginx makes and
// link each to the request it carries, as the lab's proxy does. Inside a
// Python server, lab_report.py (embedded, written to the directory) wraps
// the app in a WSGI middleware that reports environ, start_response and
// each chunk, and gunicorn's hooks and log lines, over a Unix socket; the
// lab records them with the PID of the process that reported them.
//
// NOTES:
//   - A relay adds no byte and drops none. A client's half-close passes
//     on; the end of the program's side ends the relayed connection, as
//     the programs behind relays close fully; a reset resets the other
//     side too. Between nginx and an upstream that is down, nginx sees its
//     connection reset rather than refused: the client gets the same 502,
//     and nginx's error log words it differently.
//   - The tap sees what crossed the wire to a program, not how much of it
//     the program read: lesson 1's check of what the socket server read
//     in its one recv(1024) counts what the relay read, all of it.
//   - A program gets the lab's PATH, HOME, user, language and Python
//     settings (PYENV_*, VIRTUAL_ENV), and no other variable: Python's
//     wsgiref copies its environment into every environ, and a journey
//     on a projector must not show a token.
//   - Which client request an upstream connection of nginx carries is not
//     on the wire: the relay picks the oldest request awaiting its answer
//     with the same method and target. Under concurrent identical
//     requests (a load), a journey may borrow its twin's upstream hop.
//   - Every program runs under a watcher (package watch, a child role of
//     the lab): if the lab exits without stopping the program,
//     however (even kill -9), the watcher sees its pipe from the lab end,
//     ends the program's whole process group and removes its directory.
//   - The real programs run on Unix; on Windows Supported says so, and
//     the lab's own layers run instead.
//   - Started by root, nginx's workers run as root too, so that they can
//     read the private directory.
package real
