package main

import (
	"os"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

// TestMain lets the test binary serve as a pre-fork worker, as main lets
// the lab's binary.
func TestMain(m *testing.M) {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	os.Exit(m.Run())
}
