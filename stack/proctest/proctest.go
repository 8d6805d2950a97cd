// Package proctest tells tests whether a process still runs, which
// processes a process started, and how many files this process holds
// open, on Linux, macOS and Windows alike.
//
// Tests across the lab use it to prove that a layer leaves no process
// and no descriptor behind: the pre-fork server's workers, a CGI script,
// the lab itself after q.
//
// NOTES: a process that has exited but that its parent has not reaped yet
// (a Unix zombie, or on Windows an exited process whose handle someone
// still holds) does not run: it serves nothing and holds no port, and a
// test that killed a child it does not wait for sees it that way at once.
package proctest

import (
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/procstat"
)

// WaitGone reports whether pid stops running within d, checking every
// few milliseconds.
func WaitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for Running(pid) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// Running reports whether pid exists and has not exited (see
// procstat.Running).
func Running(pid int) bool { return procstat.Running(pid) }

// OpenFiles returns how many files this process holds open, where the
// system can tell (not on Windows); tests compare two counts to catch a
// descriptor left open.
func OpenFiles() (int, error) {
	return procstat.OpenFiles()
}
