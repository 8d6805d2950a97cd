package proxy

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/procstat"
)

// tempPrefix starts the name of everything the proxy puts in the system's
// temporary directory: an embedded configuration's files, an upstream's
// answer too long for memory. The lab's PID follows, then a dash, so that
// a later start knows whose it was.
const tempPrefix = "ngw2f-lab-proxy-"

// tempPattern is the os.MkdirTemp and os.CreateTemp pattern of a temporary
// directory or file of this process, what names it after the PID.
func tempPattern(what string) string {
	return tempPrefix + strconv.Itoa(os.Getpid()) + "-" + what + "*"
}

// sweepStale removes what a proxy of a lab that no longer runs left in
// the system's temporary directory: a lab killed with -9 cleans up
// nothing. Only what names a PID that does not run goes; a lab that runs,
// another user's, and names without a PID (from older labs) stay.
func sweepStale() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), tempPrefix+"*"))
	for _, path := range matches {
		if pid, ok := tempOwner(filepath.Base(path)); ok && pid != os.Getpid() && !procstat.Running(pid) {
			os.RemoveAll(path)
		}
	}
}

// tempOwner returns the PID a temporary name of the proxy's names:
// ngw2f-lab-proxy-PID-....
func tempOwner(name string) (int, bool) {
	pid, rest, found := strings.Cut(strings.TrimPrefix(name, tempPrefix), "-")
	if !found || rest == "" {
		return 0, false
	}
	n, err := strconv.Atoi(pid)
	return n, err == nil && n > 0
}
