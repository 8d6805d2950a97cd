package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons"
)

func newListCmd(ios ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the lessons, one a line",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			return listRun(ios)
		},
	}
}

func listRun(ios ioStreams) error {
	all, err := lessons.All()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(ios.Out, 0, 0, 2, ' ', 0)
	for _, l := range all {
		state := ""
		if l.Planned {
			state = "(not written yet)"
		}
		talk := l.Talk
		if l.Minute != "" {
			talk += " at " + l.Minute
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", l.Number, l.Title, talk, state)
	}
	return tw.Flush()
}
