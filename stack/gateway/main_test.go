package gateway

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no generator's goroutine outlives its body.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
