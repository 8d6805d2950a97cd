package prefork

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack"
)

// TestMain lets the test binary serve as a worker: the master re-executes
// it, as the lab re-executes itself.
func TestMain(m *testing.M) {
	if IsWorker() {
		if how, path, ok := strings.Cut(os.Getenv(envMisbehave), ":"); ok && claim(path) {
			os.Exit(misbehave(how))
		}
		os.Exit(RunWorker())
	}
	if err := Supported(); err != nil {
		// Every test here starts workers: none can run on this system.
		fmt.Println("prefork: skipping every test:", err)
		os.Exit(0)
	}
	if os.Getenv(envTestMaster) != "" {
		runTestMaster() // never returns: the test kills it
	}
	// A race-enabled binary sleeps a second when it exits; workers exit
	// often in these tests.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	goleak.VerifyTestMain(m)
}

// envTestMaster makes the test binary a stand-in for the lab: it starts a
// pre-fork server, prints its PIDs and waits to be killed.
const envTestMaster = "PREFORK_TEST_MASTER"

func runTestMaster() {
	s := New(stack.Config{}, Options{Workers: 2})
	if err := s.Start(context.Background()); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println(s.PIDs())
	select {}
}
