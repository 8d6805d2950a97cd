package stack

import (
	"os"
	"runtime"
)

// OneProcessor has the calling process run its goroutines on one
// processor (runtime.GOMAXPROCS(1)) unless the GOMAXPROCS environment
// variable chose a number. The lab's process calls it first thing: it
// serves its layers as nginx's one worker (worker_processes 1, in every
// configuration of the talk) serves its connections, one thread running,
// the rest waiting in system calls.
//
// Its work is I/O: a connection's goroutine runs a few microseconds
// between two waits. With a processor per core, each wake-up from the
// netpoller or from a system call is handed to another thread, which
// the runtime wakes, spins and puts back to sleep; on the two cores of a
// workshop laptop, with the workers and the client on the same cores,
// that hand-off cost the proxy a quarter of its CPU per request and a
// journey a sixth of its median latency (stack/prefork/bench/fullstack;
// the README's benchmarks). A worker process gets the same from its own
// GOMAXPROCS (prefork), and threaded workers keep every core.
func OneProcessor() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
}
