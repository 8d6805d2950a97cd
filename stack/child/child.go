// Package child marks and dispatches the processes the lab starts from its
// own code: a pre-fork server's workers, a CGI gateway's scripts, the real
// programs' watchers. Go cannot fork, so such a process is a binary
// started again with one environment variable set, whose value names its
// role: the lab's lean child executable (cmd/ngw2f-lab-child, which links
// only what children run) when it lies beside the lab's, else the lab's
// own binary (package lean finds which). The main of each checks the mark
// before anything else, so a child never parses the command line:
//
//	if child.Is() {
//		os.Exit(child.Run())
//	}
//
// The packages that start children register what each role runs, from an
// init function; the TestMain of every test that starts children makes the
// same check, as the test binary stands in for the lab's.
package child

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
)

// Env is the variable that marks a child. The suffix makes it unlikely to
// be set by anything else.
const Env = "NGW2F_CHILD_5RK2Q"

var roles = struct {
	sync.RWMutex
	run map[string]func() int
}{run: map[string]func() int{}}

// Register makes run what a child of the given role runs. It is meant for
// init functions; registering a role twice panics.
func Register(role string, run func() int) {
	roles.Lock()
	defer roles.Unlock()
	if _, dup := roles.run[role]; dup {
		panic("child: role " + role + " registered twice")
	}
	roles.run[role] = run
}

// Roles returns the roles this binary runs, sorted.
func Roles() []string {
	roles.RLock()
	defer roles.RUnlock()
	return slices.Sorted(maps.Keys(roles.run))
}

// Is reports whether this process is a child the lab started.
func Is() bool { return os.Getenv(Env) != "" }

// Mark returns the environment entry that makes a process a child of the
// given role, to append to a command's environment.
func Mark(role string) string { return Env + "=" + role }

// Run runs this process's role and returns its exit code. The mark is
// removed first: what the child starts in turn is no child. A role this
// binary does not know exits with 3 and a message. A child started with a
// Lifeline exits with Orphaned as soon as the process that started it is
// gone, whatever its role was doing.
func Run() int {
	role := os.Getenv(Env)
	os.Unsetenv(Env)
	holdLifeline()
	roles.RLock()
	run := roles.run[role]
	roles.RUnlock()
	if run == nil {
		fmt.Fprintf(os.Stderr, "ngw2f-lab: started as a child of role %q, which this binary does not have\n", role)
		return 3
	}
	return run()
}
