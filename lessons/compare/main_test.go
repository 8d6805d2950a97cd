package compare_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

// TestMain lets the test binary serve as the children the lab starts
// from its binary (the pre-fork server's workers, the real programs'
// watchers), as the lab's binary does.
func TestMain(m *testing.M) {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	goleak.VerifyTestMain(m)
}
