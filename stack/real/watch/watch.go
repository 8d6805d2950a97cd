// Package watch is the watcher of a real program (nginx, gunicorn,
// uWSGI): a child process of the lab (package child) that starts the
// program in a process group of its own, tells the lab its PID and how it
// ended, and ends the whole group when the lab goes away without stopping
// it. It is a package of its own, apart from package real, so that the
// lab's lean child executable can run it without linking what starts the
// real programs. On Windows, where the real programs do not run, it has
// no role.
package watch

// Role is the child role of the watcher, run with the arguments
// DIR -- PROGRAM ARGS...
const Role = "real-watch"

// FDReport is the watcher's file descriptor on which it reports, one line
// each, "pid N" once the program runs (or "error WHY"), then "exit HOW".
// Its standard input is the lab's end of a pipe, which reaches end of
// file when the lab exits, however it exits.
const FDReport = 3

// PrivatePrefix starts the name of every private directory of a real
// program; the watcher removes DIR when the lab is gone only if its name
// starts so.
const PrivatePrefix = "ngw2f-lab-real-"
