// Package procstat counts what this process holds, on every system the
// lab runs on: its open files and its OS threads, and on Linux its
// resident memory; and it tells whether another process still runs.
//
// NOTES: Windows cannot count open files (its one count, of handles,
// mixes every kind of handle), so OpenFiles returns an error there and
// callers say the files are uncounted. ResidentMB returns an error
// outside Linux.
package procstat

import "runtime/pprof"

// Threads returns how many OS threads Go's runtime holds for this
// process: its Ms, which the threadcreate profile lists, less those whose
// thread has ended. Without cgo, which the lab does not use, no other code
// makes threads. The kernel's own count (Linux's /proc/self/status) may
// be one lower; compare two counts rather than trust one.
func Threads() int {
	return pprof.Lookup("threadcreate").Count()
}
