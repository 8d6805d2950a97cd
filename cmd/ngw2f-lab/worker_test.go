package main

import (
	"os"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

// asLabEnv makes the test binary run as the lab itself, so that a test
// can end it as a user ends the lab: Ctrl-C, SIGTERM, kill -9.
const asLabEnv = "NGW2F_LAB_TEST_AS_LAB"

// TestMain lets the test binary serve as a pre-fork worker (and every
// other child the lab starts from its binary), as main lets the lab's
// binary, and as the lab itself for the tests that end it as a user does.
func TestMain(m *testing.M) {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	if os.Getenv(asLabEnv) != "" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}
