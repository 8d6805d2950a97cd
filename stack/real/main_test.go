package real

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack/child"
)

// TestMain lets the test binary serve as the watcher of the real
// programs, as the lab's binary does.
func TestMain(m *testing.M) {
	if child.Is() {
		os.Exit(child.Run())
	}
	goleak.VerifyTestMain(m)
}
