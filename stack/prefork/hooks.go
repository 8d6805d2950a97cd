package prefork

import (
	"fmt"
	"net"
	"os"
	"slices"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Hooks are gunicorn's server hooks, in the order the documentation lists
// them. The master fires on_starting, on_reload, when_ready, pre_fork,
// pre_exec, child_exit, nworkers_changed and on_exit; a worker fires
// post_fork, post_worker_init, worker_int, worker_abort, pre_request,
// post_request and worker_exit.
var Hooks = []string{
	"on_starting", "on_reload", "when_ready", "pre_fork", "post_fork",
	"post_worker_init", "worker_int", "worker_abort", "pre_exec",
	"pre_request", "post_request", "child_exit", "worker_exit",
	"nworkers_changed", "on_exit",
}

// TalkHooks are the functions the talk's config.py defines, each printing
// its name as it fires. worker_init is among them, but it is not a
// gunicorn hook and never fires.
var TalkHooks = []string{
	"on_starting", "on_reload", "when_ready", "pre_fork", "post_fork",
	"post_worker_init", "worker_init", "worker_abort", "pre_exec",
	"pre_request", "post_request", "worker_exit", "nworkers_changed", "on_exit",
}

// splitHooks parts the names a configuration defines into gunicorn's hooks
// and names that are none.
func splitHooks(names []string) (known, unknown []string) {
	for _, n := range names {
		if slices.Contains(Hooks, n) {
			known = append(known, n)
		} else {
			unknown = append(unknown, n)
		}
	}
	return known, unknown
}

// hookPrinter records a hook firing, as a print in config.py would show
// it, when the configuration defines that hook.
type hookPrinter struct {
	tap     *trace.Tap
	defined []string
	role    string // "master" or "worker"
	pid     int
}

func newHookPrinter(tap *trace.Tap, defined []string, role string) hookPrinter {
	return hookPrinter{tap: tap, defined: defined, role: role, pid: os.Getpid()}
}

// fire records hook with extra words after its name ("2 -> 3"), on the
// connection c of the request it is about (nil for none).
func (h hookPrinter) fire(c net.Conn, hook, extra string) {
	if h.tap == nil || !slices.Contains(h.defined, hook) {
		return
	}
	text := hook
	if extra != "" {
		text += " " + extra
	}
	h.tap.Log(c, "hook", fmt.Sprintf("%s (%s, pid %d)", text, h.role, h.pid))
}
