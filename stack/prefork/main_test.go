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
	// A race-enabled binary sleeps a second when it exits; workers exit
	// often in these tests.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	goleak.VerifyTestMain(m)
}
