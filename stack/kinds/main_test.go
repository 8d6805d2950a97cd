package kinds_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

// TestMain lets the test binary serve as a pre-fork worker, as the lab's
// binary does: the workers look their app up by name, and find it because
// this package links every one.
func TestMain(m *testing.M) {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	goleak.VerifyTestMain(m)
}
