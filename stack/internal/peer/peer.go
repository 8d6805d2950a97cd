// Package peer is how the tests that compare a layer with the real program
// (nginx, gunicorn, Flask, curl, telnet) react when the program is not
// there, or not the version their captures come from.
//
// On a developer's machine such a test skips and says how to install the
// program. Where the environment says the real programs are required
// (RequiredEnv, which CI sets after installing them), it fails instead:
// a changed image must not turn the fidelity suite off unnoticed.
package peer

import (
	"fmt"
	"os"
	"testing"
)

// RequiredEnv, set to anything, makes Missing fail a test instead of
// skipping it.
const RequiredEnv = "NGW2F_LAB_REQUIRE_PEERS"

// Missing ends the test because a real program it compares with is
// missing or not the expected version, as the message says: it skips, or
// fails where RequiredEnv is set.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(RequiredEnv) != "" {
		t.Fatalf("%s (%s is set: this run needs the real programs)", msg, RequiredEnv)
	}
	t.Skip(msg)
}
