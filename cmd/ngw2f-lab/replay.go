package main

import (
	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/transcripts"
)

func newReplayCmd(ios ioStreams) *cobra.Command {
	return &cobra.Command{
		ValidArgsFunction: lessonArgs(false),
		Use:               "replay N",
		Short:             "Print lesson N's recorded run without opening any socket",
		Long: `Replay prints a lesson's recorded transcript: every step and every hop's
bytes as they were when the lesson was last recorded, with dates, ports
and PIDs as placeholders. It opens no socket, for a machine that cannot.`,
		Args: exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return replayRun(ios, args[0])
		},
	}
}

func replayRun(ios ioStreams, arg string) error {
	l, err := lessons.Find(arg)
	if err != nil {
		return err
	}
	b, err := transcripts.Recorded(l.ID())
	if err != nil {
		return err
	}
	_, err = ios.Out.Write(b)
	return err
}
