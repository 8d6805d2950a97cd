package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/progress"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/tui"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// addThemeFlag adds --theme to a command that opens the TUI.
func addThemeFlag(cmd *cobra.Command, theme *string) {
	cmd.Flags().StringVar(theme, "theme", string(common.ThemeDefault),
		"colour theme of the TUI: default, or high-contrast for projectors (NO_COLOR turns colours off)")
	cmd.RegisterFlagCompletionFunc("theme", themeValues)
}

// tuiRequest is what a command asks of the TUI.
type tuiRequest struct {
	Lesson    *lessons.Lesson // nil opens the lesson list
	LessonErr error           // a lesson file that cannot be read
	Listen    string
	Port      int
	FreePorts bool // every layer on a port the system picks
	Theme     string
	Host      *runner.Host // nil is this system, with the lab's own layers
}

// runTUI opens the TUI on the terminal and returns once the learner quit
// and every layer stopped.
func runTUI(ctx context.Context, req tuiRequest) error {
	theme, err := common.ParseTheme(req.Theme)
	if err != nil {
		return &usageError{fmt.Errorf("--theme: %w", err)}
	}
	all, err := lessons.All()
	if err != nil {
		return err
	}
	store, warn := openProgress()
	ctx, stop := untilSignal(ctx, hangup)
	defer stop()
	return tui.Run(ctx, tui.Options{
		Lessons: all, Lesson: req.Lesson, LessonErr: req.LessonErr,
		Listen: req.Listen, TalkPorts: !req.FreePorts, FrontPort: req.Port, Host: req.Host,
		Theme: theme, NoColor: os.Getenv("NO_COLOR") != "",
		Progress: store, ProgressWarning: warn, Version: buildVersion(),
	})
}

// openProgress opens the learner's progress file; a problem with it is a
// warning to show, never a reason not to start.
func openProgress() (*progress.Store, error) {
	path, err := progress.DefaultPath()
	if err != nil {
		return nil, err
	}
	return progress.Open(path)
}

// resetProgress forgets the learner's progress.
func resetProgress(ios ioStreams) error {
	store, _ := openProgress()
	if store == nil {
		return fmt.Errorf("--reset-progress: no state directory to keep progress in")
	}
	if err := store.Reset(); err != nil {
		return err
	}
	fmt.Fprintf(ios.Err, "progress reset: %s removed\n", store.Path())
	return nil
}

// isLessonFileError reports whether err is a problem inside a lesson file,
// which the TUI shows with what to do, rather than a wrong argument.
func isLessonFileError(err error) bool {
	var lerr *lessons.Error
	return errors.As(err, &lerr)
}
