package main

import (
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

// ioStreams are where commands read and write, so tests can catch them.
type ioStreams struct {
	Out   io.Writer
	Err   io.Writer
	IsTTY bool // Out is a terminal
}

func defaultIO() ioStreams {
	return ioStreams{Out: os.Stdout, Err: os.Stderr, IsTTY: term.IsTerminal(int(os.Stdout.Fd()))}
}

func newRootCmd(ios ioStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "ngw2f-lab",
		Short: "See a web request travel through nginx, gunicorn, WSGI, Werkzeug and Flask",
		Long: `ngw2f-lab turns the talk "The Request-Response Cycle in the ngw2f Stack"
into a lab: it starts each layer of the stack for real, sends telnet-style
requests through them, and shows the exact bytes that cross every hop.

Start with: ngw2f-lab lesson 1`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(ios.Out)
	root.SetErr(ios.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		c.PrintErrln(c.UsageString())
		return &usageError{err}
	})
	root.AddCommand(
		newListCmd(ios),
		newLessonCmd(ios, nil),
		newReplayCmd(ios),
		newUpCmd(ios, nil),
	)
	return root
}

// buildVersion returns the lab's version.
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// exactArgs is cobra.ExactArgs with errors the exit code knows as usage
// errors, and the usage printed once.
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(c, args); err != nil {
			c.PrintErrln(c.UsageString())
			return &usageError{err}
		}
		return nil
	}
}

// maxArgs is cobra.MaximumNArgs with errors the exit code knows as usage
// errors, and the usage printed once.
func maxArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(c, args); err != nil {
			c.PrintErrln(c.UsageString())
			return &usageError{err}
		}
		return nil
	}
}
