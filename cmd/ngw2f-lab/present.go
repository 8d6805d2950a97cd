package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui"
	"github.com/ngw2f/ngw2f-lab/tui/common"
	"github.com/ngw2f/ngw2f-lab/tui/remote"
)

// presentOptions are the flags of the present command.
type presentOptions struct {
	From, To int
	Listen   string
	Port     int
	Theme    string
	Real     realFlags

	freePorts bool // every layer on a free port, for tests
}

func newPresentCmd(ios ioStreams, runF func(presentOptions) error) *cobra.Command {
	opts := presentOptions{}
	cmd := &cobra.Command{
		Use:   "present",
		Short: "Run lessons as a talk: one key a step, speaker notes in another terminal",
		Long: `Present runs the lessons as one talk, on the talk's ports: one key (space,
the right arrow or page down, what clickers send) runs the next step, and
at a lesson's end opens the next one; page up, the left arrow or b go
back a step. Scripted requests are typed out at a readable pace. The
header shows the talk's section, its planned minute and the time
elapsed, and warns quietly when the talk runs late. H switches on hop by
hop: each request waits at each hop until the next key.

A step that cannot run live (a port taken, a layer that will not start)
says so in one line and plays its recorded run instead, marked as a
replay. Run ngw2f-lab check before the talk to know in advance.

In a second terminal, ngw2f-lab notes follows the presentation with the
speaker notes; ngw2f-lab next and prev drive it from any terminal.`,
		Example: "  ngw2f-lab present\n  ngw2f-lab present --from 2 --to 4 --theme high-contrast",
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return presentRun(c.Context(), ios, opts)
		},
	}
	cmd.Flags().IntVar(&opts.From, "from", 0, "the first lesson of the talk (default: the first)")
	cmd.Flags().IntVar(&opts.To, "to", 0, "the last lesson of the talk (default: the last written)")
	for _, f := range []string{"from", "to"} {
		cmd.RegisterFlagCompletionFunc(f, lessonArgs(false))
	}
	addServeFlags(cmd, &opts.Listen, &opts.Port)
	addFreePortsFlag(cmd, &opts.freePorts)
	addThemeFlag(cmd, &opts.Theme)
	addRealFlags(cmd, &opts.Real, true)
	return cmd
}

func presentRun(ctx context.Context, ios ioStreams, opts presentOptions) error {
	if opts.From < 0 || opts.To < 0 || (opts.To != 0 && opts.From > opts.To) {
		return &usageError{fmt.Errorf("--from %d --to %d is not a range of lessons", opts.From, opts.To)}
	}
	if err := checkServeFlags(ios, opts.Listen, opts.Port); err != nil {
		return err
	}
	if !ios.IsTTY {
		return errors.New("present needs a terminal")
	}
	theme, err := common.ParseTheme(opts.Theme)
	if err != nil {
		return &usageError{fmt.Errorf("--theme: %w", err)}
	}
	all, err := lessons.All()
	if err != nil {
		return err
	}
	socket, err := remote.SocketPath()
	if err != nil {
		fmt.Fprintf(ios.Err, "warning: %v; ngw2f-lab notes will not follow this talk\n", err)
	}
	ctx, stop := untilSignal(ctx, hangup)
	defer stop()
	return tui.Run(ctx, tui.Options{
		Lessons: all, Listen: opts.Listen, TalkPorts: !opts.freePorts, FrontPort: opts.Port, Host: opts.Real.host(nil),
		Theme: theme, NoColor: os.Getenv("NO_COLOR") != "", Version: buildVersion(),
		Present: &tui.Presentation{From: opts.From, To: opts.To, Socket: socket},
	})
}

func newNotesCmd(ios ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "notes",
		Short: "Follow a running presentation: speaker notes, the next step, the clock",
		Long: `Notes follows the presentation running in another terminal (ngw2f-lab
present) and shows the speaker notes of the step on screen, the next step
and its notes, and the time against the talk's plan. It waits for a
presentation to start, and for the next one when it ends; Ctrl-C stops it.`,
		Args: exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			socket, err := remote.SocketPath()
			if err != nil {
				return err
			}
			ctx, stop := untilSignal(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return notesRun(ctx, ios, socket)
		},
	}
}

// notesRun follows the presentation at socket until ctx ends, drawing
// each state, and the clock every second.
func notesRun(ctx context.Context, ios ioStreams, socket string) error {
	width := 80
	if f, ok := ios.Out.(*os.File); ok && ios.IsTTY {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			width = w
		}
	}
	states := make(chan remote.State, 16)
	for ctx.Err() == nil {
		draw(ios, "ngw2f-lab notes · waiting for a presentation (ngw2f-lab present)…\n")
		done := make(chan struct{})
		followed := make(chan error, 1)
		go func() { followed <- remote.Follow(socket, done, func(st remote.State) { states <- st }) }()
		if err := follow(ctx, ios, states, followed, width); err != nil {
			close(done)
			return err
		}
		close(done)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return nil
}

// follow draws states until the presentation goes or ctx ends.
func follow(ctx context.Context, ios ioStreams, states <-chan remote.State, followed <-chan error, width int) error {
	var last *remote.State
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case st := <-states:
			last = &st
			draw(ios, remote.Render(st, time.Now(), width))
		case <-t.C:
			if last != nil && !last.Ended {
				draw(ios, remote.Render(*last, time.Now(), width))
			}
		case <-followed:
			for len(states) > 0 {
				st := <-states
				draw(ios, remote.Render(st, time.Now(), width))
			}
			return nil
		}
	}
}

// draw shows a screenful: on a terminal it replaces the last one, in a
// pipe it is appended, with a separator.
func draw(ios ioStreams, text string) {
	if ios.IsTTY {
		io.WriteString(ios.Out, "\x1b[H\x1b[2J"+text)
		return
	}
	io.WriteString(ios.Out, text+"----\n")
}

func newRemoteCmd(command, short string) *cobra.Command {
	return &cobra.Command{
		Use:   command,
		Short: short,
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			socket, err := remote.SocketPath()
			if err != nil {
				return err
			}
			return remote.Send(socket, command)
		},
	}
}
