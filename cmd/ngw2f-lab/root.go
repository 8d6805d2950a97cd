package main

import (
	"context"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// ioStreams are where commands read and write, so tests can catch them.
type ioStreams struct {
	Out   io.Writer
	Err   io.Writer
	IsTTY bool // Out is a terminal
}

func defaultIO() ioStreams {
	return ioStreams{Out: os.Stdout, Err: os.Stderr, IsTTY: term.IsTerminal(int(os.Stdout.Fd()))}
}

// rootOptions are the flags of ngw2f-lab alone, which opens the lesson
// list.
type rootOptions struct {
	Listen string
	Port   int
	Theme  string
}

func newRootCmd(ios ioStreams) *cobra.Command {
	return newRootCmdWith(ios, nil)
}

// newRootCmdWith builds the command tree; runF, when set, replaces what
// ngw2f-lab alone does, for tests.
func newRootCmdWith(ios ioStreams, runF func(rootOptions) error) *cobra.Command {
	opts := rootOptions{}
	root := &cobra.Command{
		Use:   "ngw2f-lab",
		Short: "See a web request travel through nginx, gunicorn, WSGI, Werkzeug and Flask",
		Long: `ngw2f-lab turns the talk "The Request-Response Cycle in the ngw2f Stack"
into a lab: it starts each layer of the stack for real, sends telnet-style
requests through them, and shows the exact bytes that cross every hop.

Alone, it opens the lesson list (on a terminal; otherwise it prints the
list). Start with: ngw2f-lab lesson 1`,
		Args: exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return rootRun(c.Context(), ios, opts)
		},
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
	addServeFlags(root, &opts.Listen, &opts.Port)
	addThemeFlag(root, &opts.Theme)
	var reset bool
	root.PersistentFlags().BoolVar(&reset, "reset-progress", false,
		"forget which steps and challenges you did, then go on")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if !reset {
			return nil
		}
		return resetProgress(ios)
	}
	root.AddCommand(
		newListCmd(ios),
		newLessonCmd(ios, nil),
		newReplayCmd(ios),
		newExportCmd(ios, nil),
		newTelnetCmd(ios),
		newPresentCmd(ios, nil),
		newCheckCmd(ios),
		newNotesCmd(ios),
		newRemoteCmd("next", "Run the next step of the presentation, from any terminal"),
		newRemoteCmd("prev", "Go back a step in the presentation, from any terminal"),
		newUpCmd(ios, nil),
		newCompareCmd(ios, nil),
	)
	return root
}

// rootRun opens the lesson list, or prints it when stdout is not a
// terminal.
func rootRun(ctx context.Context, ios ioStreams, opts rootOptions) error {
	if !ios.IsTTY {
		return listRun(ios)
	}
	if err := checkServeFlags(ios, opts.Listen, opts.Port); err != nil {
		return err
	}
	return runTUI(ctx, tuiRequest{Listen: opts.Listen, Port: opts.Port, Theme: opts.Theme})
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
