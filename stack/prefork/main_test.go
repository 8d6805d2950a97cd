package prefork

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain lets the test binary serve as a worker: the master re-executes
// it, as the lab re-executes itself.
func TestMain(m *testing.M) {
	if IsWorker() {
		os.Exit(RunWorker())
	}
	goleak.VerifyTestMain(m)
}
