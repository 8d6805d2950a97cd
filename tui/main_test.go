package tui

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

func TestMain(m *testing.M) {
	if prefork.IsWorker() { // lessons 3 and 4 start pre-fork workers: this binary again
		os.Exit(prefork.RunWorker())
	}
	if os.Getenv("NO_COLOR") != "" {
		os.Unsetenv("NO_COLOR") // goldens are drawn with colour, then stripped
	}
	goleak.VerifyTestMain(m,
		// teatest waits for an interrupt for the whole test binary's life.
		goleak.IgnoreAnyFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2"),
		// a text input's cursor blink outlives the program that asked for it.
		// and a Batch holding that blink waits for it.
		goleak.IgnoreAnyFunction("charm.land/bubbles/v2/cursor.(*Model).Blink.func1"),
		goleak.IgnoreAnyFunction("charm.land/bubbletea/v2.(*Program).execBatchMsg"),
		goleak.IgnoreAnyFunction("os/signal.signal_recv"),
		goleak.IgnoreAnyFunction("os/signal.loop"),
	)
}
