package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/child/lean"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/transcripts"
	"github.com/ngw2f/ngw2f-lab/tui/common"
	"github.com/ngw2f/ngw2f-lab/tui/remote"
)

// checkOptions are the flags of the check command.
type checkOptions struct {
	Listen string
	Port   int
	Real   realFlags

	freePorts bool         // every layer on a free port, for tests: never the machine's 8000 or 8080
	host      *runner.Host // the system's checks; nil is this system's, tests set Windows'
}

func newCheckCmd(ios ioStreams) *cobra.Command {
	opts := checkOptions{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Before a talk: run every lesson for real and say what works here",
		Long: `Check runs every written lesson for real on this machine, as ngw2f-lab
present would (on the talk's ports, starting processes), and reports,
lesson by lesson, what works and what would fall back to its recorded run.
It also checks the terminal's size and the socket ngw2f-lab notes uses.
It exits 1 when any lesson would fall back. A lesson that needs what this
system lacks (the pre-fork server, on Windows) is reported as playing its
recorded run here, with the reason, and does not make check fail.

With --real, check first lists the real programs this machine has (nginx,
gunicorn, Python with Werkzeug, uWSGI), with their versions, and for each
one missing, the package that brings it; then it runs the lessons with
them, as ngw2f-lab present --real would.`,
		Args: exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			ctx, stop := untilSignal(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return checkRun(ctx, ios, opts)
		},
	}
	addServeFlags(cmd, &opts.Listen, &opts.Port)
	addRealFlags(cmd, &opts.Real, true)
	return cmd
}

func checkRun(ctx context.Context, ios ioStreams, opts checkOptions) error {
	if err := checkServeFlags(ios, opts.Listen, opts.Port); err != nil {
		return err
	}
	all, err := lessons.All()
	if err != nil {
		return err
	}
	w := ios.Out
	fmt.Fprintln(w, "ngw2f-lab check: is this machine ready for the talk?")
	fmt.Fprintln(w)
	checkTerminal(w, ios)
	checkSocket(w)
	checkExecutable(w, opts.host)
	host := opts.Real.host(opts.host)
	if opts.Real.On {
		checkPrograms(w, host.Real)
	}
	fallbacks := 0
	recorded := map[string][]int{} // lessons that do not run live here, by why
	for _, l := range all {
		if ctx.Err() != nil {
			return fmt.Errorf("check interrupted; every layer was stopped")
		}
		var nl *runner.NotLiveError
		if err := host.Live(l); errors.As(err, &nl) {
			line(w, fmt.Sprintf("lesson %d", l.Number), fmt.Sprintf("RECORDED here: it starts %s, which this system cannot run (why below)", nl.Layer))
			recorded[nl.Err.Error()] = append(recorded[nl.Err.Error()], l.Number)
			continue
		}
		if !l.Planned {
			fmt.Fprintf(ios.Err, "check: running lesson %d, %s (%d steps)…\n", l.Number, l.Title, len(l.Steps))
		}
		if !checkLesson(ctx, w, l, opts, host) {
			fallbacks++
		}
	}
	fmt.Fprintln(w)
	for _, why := range slices.Sorted(maps.Keys(recorded)) {
		fmt.Fprintf(w, "%s here: %s.\n", recordedHere(recorded[why]), why)
	}
	if fallbacks > 0 {
		fmt.Fprintf(w, "%d lesson(s) would fall back to their recorded run.\n", fallbacks)
		return &quietError{fmt.Errorf("%d lesson(s) would fall back", fallbacks)}
	}
	if len(recorded) > 0 {
		fmt.Fprintln(w, "Every other written lesson runs live here.")
		return nil
	}
	fmt.Fprintln(w, "Every written lesson runs live here.")
	return nil
}

// recordedHere says that lessons ns play their recorded run: "Lesson 3
// plays its recorded run", "Lessons 3, 4 and 6 play their recorded run".
func recordedHere(ns []int) string {
	words := make([]string, len(ns))
	for i, n := range ns {
		words[i] = strconv.Itoa(n)
	}
	if len(words) == 1 {
		return "Lesson " + words[0] + " plays its recorded run"
	}
	return "Lessons " + strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1] + " play their recorded run"
}

// line prints one line of the report: what, then the verdict.
func line(w io.Writer, what, verdict string, more ...string) {
	fmt.Fprintf(w, "%-10s %s\n", what, verdict)
	for _, m := range more {
		fmt.Fprintf(w, "%-10s %s\n", "", m)
	}
}

func checkTerminal(w io.Writer, ios ioStreams) {
	f, ok := ios.Out.(*os.File)
	if !ok || !ios.IsTTY {
		line(w, "terminal", "not a terminal: run check in the terminal you will present from to check its size")
		return
	}
	cols, rows, err := term.GetSize(int(f.Fd()))
	switch {
	case err != nil:
		line(w, "terminal", "its size cannot be read: "+err.Error())
	case cols < common.MinWidth || rows < common.MinHeight:
		line(w, "terminal", fmt.Sprintf("%dx%d is too small: the lab needs %dx%d at least", cols, rows, common.MinWidth, common.MinHeight))
	case cols < common.WideWidth || rows < common.WideHeight:
		line(w, "terminal", fmt.Sprintf("%dx%d: one panel at a time (tab switches); %dx%d shows them all at once",
			cols, rows, common.WideWidth, common.WideHeight))
	default:
		line(w, "terminal", fmt.Sprintf("%dx%d: every panel fits at once", cols, rows))
	}
}

// checkExecutable checks that the lab can start its children (package
// lean finds their binary), as the pre-fork server does for each worker
// process, where host runs it, and says which binary they start from.
func checkExecutable(w io.Writer, host *runner.Host) {
	if k, ok := kinds.Lookup(prefork.Kind); ok {
		if err := host.Runs(k); err != nil {
			line(w, "processes", "no pre-fork workers here: "+err.Error())
			return
		}
	}
	exe, err := lean.Executable()
	if err == nil {
		var fi os.FileInfo
		if fi, err = os.Stat(exe); err == nil && fi.Mode()&0o111 == 0 {
			err = fmt.Errorf("%s is not executable", exe)
		}
	}
	if err != nil {
		line(w, "processes", "worker processes cannot start: "+err.Error())
		return
	}
	if self, _ := os.Executable(); exe == self {
		line(w, "processes", "worker processes start from "+exe,
			"(the lab's own binary: "+lean.Name+" of the same build beside it would start them in a few milliseconds)")
		return
	}
	line(w, "processes", "worker processes start from "+exe)
}

func checkSocket(w io.Writer) {
	path, err := remote.SocketPath()
	if err != nil {
		line(w, "notes", "ngw2f-lab notes cannot follow a talk: "+err.Error())
		return
	}
	line(w, "notes", "ngw2f-lab notes follows a talk through "+path)
}

// checkLesson runs l and reports; it returns false when the lesson would
// fall back to its recorded run.
func checkLesson(ctx context.Context, w io.Writer, l *lessons.Lesson, opts checkOptions, host *runner.Host) bool {
	what := fmt.Sprintf("lesson %d", l.Number)
	if l.Planned {
		line(w, what, "not written yet")
		return true
	}
	var mu sync.Mutex
	var notes []string
	r, err := runner.New(l, runner.Options{Listen: opts.Listen, TalkPorts: !opts.freePorts, FrontPort: opts.Port, Host: host, Out: func(o runner.Output) {
		if o.Kind == runner.OutInfo && (strings.Contains(o.Text, "is busy") || strings.Contains(o.Text, "on the lab's own layer instead")) {
			mu.Lock()
			notes = append(notes, o.Text)
			mu.Unlock()
		}
	}})
	if err != nil {
		line(w, what, "FALLS BACK: "+err.Error())
		return false
	}
	start := time.Now()
	failedStep := -1
	var stepErr error
	for i := range l.Steps {
		if stepErr = r.RunStep(ctx, i); stepErr != nil {
			failedStep = i
			break
		}
	}
	r.Close()
	took := time.Since(start).Round(10 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if failedStep < 0 {
		failed, checked := r.Failed()
		verdict := fmt.Sprintf("ok: %d steps ran live in %s, %d of %s held", len(l.Steps), took, checked-failed, runner.Checks(checked))
		if failed > 0 {
			verdict = fmt.Sprintf("runs, but %d of %s did not hold: see ngw2f-lab lesson %d --plain", failed, runner.Checks(checked), l.Number)
		}
		line(w, what, verdict, notes...)
		return true
	}
	replay := "and would replay from the recording"
	if _, err := transcripts.Recorded(l.ID()); err != nil {
		replay = "and has no recording to replay"
	}
	var lerr *lessons.Error
	reason := stepErr.Error()
	if errors.As(stepErr, &lerr) {
		reason = lerr.Msg
	}
	line(w, what, fmt.Sprintf("FALLS BACK: step %d (%s) failed: %s", failedStep+1, l.Steps[failedStep].Title, reason),
		append(notes, fmt.Sprintf("steps %d to %d would not run live %s", failedStep+1, len(l.Steps), replay))...)
	return false
}
