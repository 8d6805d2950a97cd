package framework

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

// TestMain lets the test binary serve as a pre-fork worker: the master
// re-executes it, as the lab re-executes itself.
func TestMain(m *testing.M) {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	goleak.VerifyTestMain(m)
}
