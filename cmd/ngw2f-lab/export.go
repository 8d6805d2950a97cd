package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/transcripts/export"
)

// exportOptions are the flags of the export command.
type exportOptions struct {
	Arg    string
	Format string
	Output string

	host *runner.Host // the system's checks; nil is this system's, tests set Windows'
}

func newExportCmd(ios ioStreams, runF func(exportOptions) error) *cobra.Command {
	opts := exportOptions{}
	cmd := &cobra.Command{
		Use:   "export N|FILE",
		Short: "Run a lesson and write its journeys as Markdown or HAR",
		Long: `Export runs lesson N for real, as lesson --plain does, and writes every
journey it made: as Markdown for a workshop handout (every hop's bytes, in
order, and a curl command that sends each request again), or as HAR 1.2,
which browser devtools open (the requests and responses the client saw,
with timings). In the TUI, E exports the session so far.`,
		Example: "  ngw2f-lab export 1\n  ngw2f-lab export 1 --format har -o lesson1.har",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Arg = args[0]
			if opts.Format != "md" && opts.Format != "har" {
				return &usageError{fmt.Errorf("--format %q: want md or har", opts.Format)}
			}
			if runF != nil {
				return runF(opts)
			}
			return exportRun(c.Context(), ios, opts)
		},
	}
	cmd.ValidArgsFunction = lessonArgs(true)
	cmd.Flags().StringVar(&opts.Format, "format", "md", "md (a Markdown handout) or har (HAR 1.2)")
	cmd.RegisterFlagCompletionFunc("format", fixedValues(
		cobra.CompletionWithDesc("md", "a Markdown handout"), cobra.CompletionWithDesc("har", "HAR 1.2, for browser devtools")))
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "file to write (default: standard output)")
	return cmd
}

func exportRun(ctx context.Context, ios ioStreams, opts exportOptions) error {
	l, err := lessons.Find(opts.Arg)
	if err != nil {
		return err
	}
	if err := opts.host.Live(l); err != nil {
		return &usageError{fmt.Errorf("export runs the lesson live, and %w", err)}
	}
	ctx, stop := untilSignal(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	run, err := export.Lesson(ctx, l, buildVersion(), func(o runner.Output) {
		fmt.Fprintf(ios.Err, "export: lesson %d, %s\n", l.Number, strings.ToLower(o.Text[:1])+o.Text[1:])
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(ios.Err, "export: lesson %d ran to its end: %d journeys\n", l.Number, len(run.Journeys))
	return writeExport(ios.Out, opts, run)
}

// writeExport writes run in the format asked, to the file asked or to out.
func writeExport(out io.Writer, opts exportOptions, run export.Run) error {
	write := export.Markdown
	if opts.Format == "har" {
		write = export.HAR
	}
	if opts.Output == "" {
		return write(out, run)
	}
	f, err := os.Create(opts.Output)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := write(f, run); err != nil {
		f.Close()
		return fmt.Errorf("export: %w", err)
	}
	return f.Close()
}
