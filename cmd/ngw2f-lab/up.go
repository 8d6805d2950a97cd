package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/proxy"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/transcripts"
)

// upOptions are the flags of the up command.
type upOptions struct {
	Arg    string // a lesson number; "" for the whole stack
	Listen string
	Port   int
	JSON   bool
	Config string // an nginx.conf for the proxy
	Real   realFlags

	freePorts bool         // every layer on a free port, for tests
	host      *runner.Host // the system's checks; nil is this system's, tests set Windows'
}

func newUpCmd(ios ioStreams, runF func(upOptions) error) *cobra.Command {
	opts := upOptions{}
	cmd := &cobra.Command{
		Use:   "up [N]",
		Short: "Start a lesson's stack for outside clients and print each journey",
		Long: `Up starts the layers of lesson N, by default the whole stack as far as the
lab has it, on the talk's ports (8080 for the front), and leaves them
running for real clients: telnet, curl -v, a browser. Each request's
journey is printed when it completes, hop by hop, with its bytes, and
each line a layer logs outside a journey (a worker's death, the master's
shutdown) as it comes; with --json, each event is printed as it happens,
one JSON object a line. Should up fall behind the layers, it says how
many events it lost.
Ctrl-C or SIGTERM stops every layer. Where a layer of that stack cannot
run (the pre-fork server on Windows), up says why and exits 2. With
--real, the real nginx, gunicorn and Python servers run in place of the
lab's layers, where this machine has them.`,
		Example: "  ngw2f-lab up\n  ngw2f-lab up 2 --port 9090\n  ngw2f-lab up --json\n  ngw2f-lab up --config ./nginx.conf",
		Args:    maxArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Arg = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return upRun(c.Context(), ios, opts)
		},
	}
	cmd.ValidArgsFunction = lessonArgs(false)
	addServeFlags(cmd, &opts.Listen, &opts.Port)
	addFreePortsFlag(cmd, &opts.freePorts)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print each event as one JSON object a line")
	cmd.Flags().StringVar(&opts.Config, "config", "", "an nginx.conf of your own for the proxy; its listen gives the port, unless --port")
	addRealFlags(cmd, &opts.Real, true)
	return cmd
}

func upRun(ctx context.Context, ios ioStreams, opts upOptions) error {
	if err := checkServeFlags(ios, opts.Listen, opts.Port); err != nil {
		return err
	}
	l, err := stackLesson(opts.Arg)
	if err != nil {
		return err
	}
	ctx, stop := untilSignal(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := newUpPrinter(ios, opts.JSON)
	ropts := runner.Options{Listen: opts.Listen, TalkPorts: !opts.freePorts, FrontPort: opts.Port, StrictFront: true, Out: p.fromRunner, Host: opts.Real.host(opts.host)}
	if opts.Config != "" {
		if !startsProxy(l) {
			return &usageError{fmt.Errorf("--config: lesson %d's stack has no proxy", l.Number)}
		}
		if _, err := os.Stat(opts.Config); err != nil {
			return &usageError{fmt.Errorf("--config: %w", err)}
		}
		conf, err := proxy.LoadFile(opts.Config)
		if err != nil {
			return &usageError{fmt.Errorf("--config: %w", err)}
		}
		// The file's listen says the proxy's port, as to nginx; --port
		// says otherwise, and says so.
		if port := conf.ListenPort(); port != 0 {
			if opts.Port != 0 && opts.Port != port {
				fmt.Fprintf(ios.Err, "lab: --port %d overrides listen %d in %s\n", opts.Port, port, opts.Config)
			} else {
				ropts.FrontPort = port
			}
		}
		ropts.Settings = map[string]map[string]string{"proxy": {"config": opts.Config}}
	}
	r, err := runner.New(l, ropts)
	if err != nil {
		return err
	}
	sub := r.Recorder().Subscribe()
	defer sub.Close()
	// The follower prints from the start, the layers' log lines as they
	// start included, and on while they stop ("Shutting down: Master").
	var started atomic.Bool
	stopFollowing := p.follower(sub, func() {
		if started.Load() {
			catchUp(ctx, r)
		}
	}).start()
	if err := r.StartStack(ctx); err != nil {
		r.Close()
		stopFollowing()
		return startFailed(err, opts, ropts.Host, l)
	}
	started.Store(true)
	p.locked(func() { banner(ios, r, l, opts.JSON) })
	<-ctx.Done()
	p.locked(func() { fmt.Fprintln(ios.Err, "\nstopping every layer") })
	err = r.Close()
	stopFollowing()
	return err
}

// startFailed words why lesson l's stack did not start.
func startFailed(err error, opts upOptions, host *runner.Host, l *lessons.Lesson) error {
	var nl *runner.NotLiveError
	var lerr *lessons.Error
	switch {
	case errors.As(err, &nl) && opts.Arg == "":
		return &usageError{fmt.Errorf("the whole stack cannot start here: %w%s", nl.Err, stacksHere(host))}
	case errors.As(err, &nl):
		return &usageError{fmt.Errorf("lesson %d's stack cannot start here: %w", l.Number, nl.Err)}
	case errors.As(err, &lerr):
		return errors.New(lerr.Msg)
	}
	return err
}

// upPrinter prints what up shows, from the runner's goroutine and the
// follower's alike, one Output at a time: in text mode, the runner's
// lines and every journey and log line as a transcript shows them; with
// --json, each event as JSON on standard output and the rest on standard
// error. Standard output is buffered and written once each time the
// follower has caught up: a journey is one write, not fifty.
type upPrinter struct {
	ios ioStreams

	mu   sync.Mutex
	out  *bufio.Writer // ios.Out
	w    *transcripts.Writer
	json func(trace.Event, int) // prints an event with --json; nil in text mode
}

func newUpPrinter(ios ioStreams, json bool) *upPrinter {
	p := &upPrinter{ios: ios, out: bufio.NewWriterSize(ios.Out, 64<<10)}
	p.w = transcripts.NewWriter(p.out)
	if json {
		p.json = jsonPrinter(p.out)
	}
	return p
}

func (p *upPrinter) say(o runner.Output) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json != nil {
		fmt.Fprintf(p.ios.Err, "lab: %s\n", o.Text)
		return
	}
	p.w.Write(o)
}

// fromRunner is the runner's Out. In text mode the follower prints the
// layers' log lines as they come, so the runner's own copies are left
// out.
func (p *upPrinter) fromRunner(o runner.Output) {
	if p.json == nil && o.Kind == runner.OutLog {
		return
	}
	p.say(o)
}

// locked runs fn, which writes to the streams itself, after what is
// buffered.
func (p *upPrinter) locked(fn func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out.Flush()
	fn()
}

// flush writes out what is buffered.
func (p *upPrinter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out.Flush()
}

// follower returns a follower of sub that prints through p.
func (p *upPrinter) follower(sub *trace.Subscription, catchUp func()) *follower {
	f := &follower{sub: sub, catchUp: catchUp, onIdle: p.flush}
	f.onMissed = func(n uint64) {
		p.say(runner.Output{Kind: runner.OutInfo, Text: fmt.Sprintf("up fell behind the layers: %d events were dropped before it could print them, so journeys among them are missing or incomplete", n)})
	}
	if p.json != nil {
		f.onEvent = func(e trace.Event, journey int) {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.json(e, journey)
		}
		return f
	}
	f.onJourney = func(j *trace.Journey) { p.say(runner.Output{Kind: runner.OutJourney, Journey: j}) }
	f.onLog = func(e trace.Event) {
		p.say(runner.Output{Kind: runner.OutLog, Layer: e.Layer, Text: runner.LogText(e)})
	}
	return f
}

// catchUp asks every layer whose events come from other processes for
// what they hold, waiting a second at most: a journey is then handed on
// with the workers' hops in it. Once ctx has ended the layers are
// stopping, and it asks nothing.
func catchUp(ctx context.Context, r *runner.Runner) {
	if ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	r.FlushTrace(ctx)
}

// stackLesson returns lesson arg, or, without one, the last written lesson
// of the talk's own (1 to 6): its stack is the whole stack so far.
func stackLesson(arg string) (*lessons.Lesson, error) {
	if arg != "" {
		l, err := lessons.Find(arg)
		if err == nil && l.Planned {
			return nil, fmt.Errorf("lesson %d (%s) is not written yet", l.Number, l.Title)
		}
		return l, err
	}
	all, err := lessons.All()
	if err != nil {
		return nil, err
	}
	var last *lessons.Lesson
	for _, l := range all {
		if !l.Planned && l.Number <= 6 && (last == nil || l.Number > last.Number) {
			last = l
		}
	}
	if last == nil {
		return nil, errors.New("no lesson is written yet")
	}
	return last, nil
}

// stacksHere names the written lessons whose stacks start on host, for
// one who asked for the whole stack where it cannot start.
func stacksHere(host *runner.Host) string {
	all, err := lessons.All()
	if err != nil {
		return ""
	}
	var here []string
	for _, l := range all {
		if l.Planned {
			continue
		}
		r, err := runner.New(l, runner.Options{Host: host})
		if err != nil {
			continue
		}
		if r.StackLive() == nil {
			here = append(here, strconv.Itoa(l.Number))
		}
		r.Close()
	}
	switch len(here) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("; here, ngw2f-lab up %s starts a smaller stack", here[0])
	}
	return fmt.Sprintf("; here, ngw2f-lab up %s or %s starts a smaller stack", strings.Join(here[:len(here)-1], ", "), here[len(here)-1])
}

func startsProxy(l *lessons.Lesson) bool {
	for _, s := range l.Steps {
		for _, a := range s.Actions() {
			if a.Verb == lessons.Start && a.Args[0] == "proxy" {
				return true
			}
		}
	}
	return false
}

// banner says what runs where, and how to reach it.
func banner(ios ioStreams, r *runner.Runner, l *lessons.Lesson, json bool) {
	out := ios.Out
	if json {
		out = ios.Err
	}
	layers := r.Stack().Layers()
	front := layers[len(layers)-1]
	for _, x := range layers {
		if x.Name() == "proxy" {
			front = x
		}
	}
	addr := front.Addr().String()
	host, port, _ := strings.Cut(addr, ":")
	fmt.Fprintf(out, "\nLesson %d's stack is up: %s in front on %s.\n", l.Number, front.Name(), addr)
	fmt.Fprintf(out, "Try it from another terminal:\n    curl -v http://%s/\n    telnet %s %s\n", addr, host, port)
	fmt.Fprintf(out, "Every journey shows here as it completes. Ctrl-C stops it all.\n\n")
}
