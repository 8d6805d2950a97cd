package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/transcripts"
)

// lessonOptions are the flags of the lesson command.
type lessonOptions struct {
	Arg    string // a lesson number or a lesson file
	Plain  bool
	Listen string
	Port   int
	Theme  string
	Real   realFlags

	freePorts bool         // every layer on a free port, for tests
	host      *runner.Host // the system's checks; nil is this system's, tests set Windows'
}

func newLessonCmd(ios ioStreams, runF func(lessonOptions) error) *cobra.Command {
	opts := lessonOptions{}
	cmd := &cobra.Command{
		Use:   "lesson N|FILE",
		Short: "Run a lesson: its layers start for real and every hop's bytes show",
		Long: `Lesson runs lesson N (or a lesson file of your own) step by step against
real layers, in the TUI: one key a step, the stack, every hop of each
request live, and a telnet prompt of your own. With --plain, or when the
output is not a terminal, it runs every step at once and prints what
happened as text. A lesson that needs a layer this system cannot run (the
pre-fork server, on Windows) plays its recorded run instead, marked as
such, with the reason.

With --real, each layer is the real program it stands for, where this
machine has it (see ngw2f-lab check --real): nginx, gunicorn with the
talk's config.py, uWSGI, Python's wsgiref and Werkzeug's server, started
with the talk's own files in a private directory and stopped, every
process of them, when the lesson ends. The lab's relays and a small WSGI
middleware show their bytes and hand-offs as the lab's own.`,
		Example: "  ngw2f-lab lesson 1\n  ngw2f-lab lesson 1 --plain\n  ngw2f-lab lesson 3 --real --plain\n  ngw2f-lab lesson 3 --theme high-contrast\n  ngw2f-lab lesson ./my-lesson.md",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Arg = args[0]
			if runF != nil {
				return runF(opts)
			}
			return lessonRun(c.Context(), ios, opts)
		},
	}
	cmd.ValidArgsFunction = lessonArgs(true)
	cmd.Flags().BoolVar(&opts.Plain, "plain", false, "run every step and print plain text instead of opening the TUI")
	addServeFlags(cmd, &opts.Listen, &opts.Port)
	addFreePortsFlag(cmd, &opts.freePorts)
	addThemeFlag(cmd, &opts.Theme)
	addRealFlags(cmd, &opts.Real, true)
	return cmd
}

func lessonRun(ctx context.Context, ios ioStreams, opts lessonOptions) error {
	if err := checkServeFlags(ios, opts.Listen, opts.Port); err != nil {
		return err
	}
	l, err := lessons.Find(opts.Arg)
	if opts.Plain || !ios.IsTTY {
		if err != nil {
			return err
		}
		return runPlain(ctx, ios, l, opts)
	}
	if err != nil && !isLessonFileError(err) {
		return err
	}
	return runTUI(ctx, tuiRequest{Lesson: l, LessonErr: err, Listen: opts.Listen, Port: opts.Port, FreePorts: opts.freePorts, Theme: opts.Theme,
		Host: opts.Real.host(opts.host)})
}

// runPlain runs every step of l and prints the transcript; a lesson that
// does not run live on this system plays its recorded run instead.
func runPlain(ctx context.Context, ios ioStreams, l *lessons.Lesson, opts lessonOptions) error {
	host := opts.Real.host(opts.host)
	var nl *runner.NotLiveError
	if errors.As(host.Live(l), &nl) {
		return playRecorded(ios, l, nl)
	}
	ctx, stop := untilSignal(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	w := transcripts.NewWriter(ios.Out)
	r, err := runner.New(l, runner.Options{
		Listen: opts.Listen, TalkPorts: !opts.freePorts, FrontPort: opts.Port, Out: w.Write, Host: host,
	})
	if err != nil {
		return err
	}
	if err := r.Run(ctx); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("lesson %d interrupted; every layer was stopped", l.Number)
		}
		return err
	}
	if failed, checked := r.Failed(); failed > 0 {
		return fmt.Errorf("lesson %d: %d of %s failed", l.Number, failed, runner.Checks(checked))
	}
	return nil
}

// playRecorded prints l's recorded run, as replay does, after the line
// that says why l does not run live here.
func playRecorded(ios ioStreams, l *lessons.Lesson, why *runner.NotLiveError) error {
	b, err := transcripts.Recorded(l.ID())
	if err != nil {
		return fmt.Errorf("%w; %w", why, err)
	}
	fmt.Fprintf(ios.Out, "%s\n\n", why.Notice())
	_, err = ios.Out.Write(b)
	return err
}
