package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/compare"
	"github.com/ngw2f/ngw2f-lab/stack/real"
)

// compareOptions are the flags of the compare command.
type compareOptions struct {
	Arg    string // a lesson number or file
	Plain  bool
	Listen string
	Real   realFlags
}

func newCompareCmd(ios ioStreams, runF func(compareOptions) error) *cobra.Command {
	opts := compareOptions{}
	cmd := &cobra.Command{
		Use:   "compare N|FILE",
		Short: "Run a lesson on the lab's layers and on the real programs, and show hop by hop what differs",
		Long: `Compare runs lesson N's scripted requests twice, on free ports: once
through the lab's own layers, once through the real programs they stand
for (nginx, gunicorn with the talk's config.py, uWSGI, Python's servers,
Flask), and prints each request's journey hop by hop with a verdict:
the same, the same once the values that differ by nature are normalised
(Date, ports, PIDs, Server's product token, ETag and Last-Modified, named
on each hop that needed it), or different, with both sides' bytes. A
layer whose program this machine lacks runs on the lab's own on both
sides, and the report says so. It exits 1 when a hop differs.`,
		Example: "  ngw2f-lab compare 3 --plain\n  ngw2f-lab compare 6 --gunicorn /opt/venv/bin/gunicorn",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Arg = args[0]
			if runF != nil {
				return runF(opts)
			}
			ctx, stop := untilSignal(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return compareRun(ctx, ios, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Plain, "plain", false, "plain text, for handouts and CI (what compare prints in any case)")
	cmd.Flags().StringVar(&opts.Listen, "listen", "127.0.0.1", "address the layers listen on")
	addRealFlags(cmd, &opts.Real, false)
	return cmd
}

func compareRun(ctx context.Context, ios ioStreams, opts compareOptions) error {
	if err := checkServeFlags(ios, opts.Listen, 0); err != nil {
		return err
	}
	l, err := lessons.Find(opts.Arg)
	if err != nil {
		return err
	}
	if l.Planned {
		return fmt.Errorf("lesson %d (%s) is not written yet", l.Number, l.Title)
	}
	rep, err := compare.Run(ctx, l, compare.Options{
		Listen: opts.Listen, Programs: real.NewPrograms(opts.Real.Paths),
		Progress: func(s string) { fmt.Fprintf(ios.Err, "compare: %s\n", s) },
	})
	if ctx.Err() != nil {
		return errors.New("compare interrupted; every layer and program was stopped")
	}
	if err != nil {
		return err
	}
	if err := rep.Write(ios.Out); err != nil {
		return err
	}
	if n := rep.Counts()[compare.Differs]; n > 0 {
		return &quietError{fmt.Errorf("%d hop(s) differ", n)}
	}
	return nil
}
