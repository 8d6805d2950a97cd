package prefork

import (
	"fmt"
	"strings"
)

// Signal names what gunicorn's master is told with a Unix signal. The
// lab's master is the lab's own process, so what a lesson sends it comes
// as a call (Server.Signal), and the master passes it on to its workers on
// their control pipes, which exist on every system; the names stay
// gunicorn's, as the lessons teach them (kill -TTIN PID).
type Signal string

// The signals gunicorn's master handles, and what it does on each.
const (
	TTIN Signal = "TTIN" // one worker more
	TTOU Signal = "TTOU" // one worker fewer
	HUP  Signal = "HUP"  // reload: a new set of workers replaces the old
	TERM Signal = "TERM" // stop gracefully
	INT  Signal = "INT"  // stop at once
	QUIT Signal = "QUIT" // stop at once
)

// ParseSignal returns the signal named name, with or without its SIG
// prefix, in any case ("TTIN", "sigttin").
func ParseSignal(name string) (Signal, error) {
	sig := Signal(strings.TrimPrefix(strings.ToUpper(name), "SIG"))
	switch sig {
	case TTIN, TTOU, HUP, TERM, INT, QUIT:
		return sig, nil
	}
	return "", fmt.Errorf("prefork: the master does not handle %s (it takes TTIN, TTOU, HUP, TERM, INT and QUIT)", name)
}
