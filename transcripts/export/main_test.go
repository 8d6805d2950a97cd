package export

import (
	"os"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

// TestMain lets the test binary serve as a pre-fork worker: lesson 3's
// export starts some.
func TestMain(m *testing.M) {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	os.Exit(m.Run())
}
