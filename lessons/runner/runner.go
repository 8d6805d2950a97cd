// Package runner carries out a lesson's steps against real layers: it
// starts and stops them, types requests through the lab's telnet client,
// waits for the answers, follows the wire tap, and reports all of it as a
// stream of Outputs that the plain printer and the TUI render.
package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
	"github.com/ngw2f/ngw2f-lab/stack/telnet"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Options configure a Runner. The zero value runs on loopback, on free
// ports, with a recorder of its own and output thrown away.
type Options struct {
	// Listen is the host the front layer listens on; empty means
	// 127.0.0.1. The layers behind it listen on 127.0.0.1 whatever it is.
	Listen string
	// TalkPorts makes layers listen on the talk's ports (8080 for the
	// proxy, 8000 for the app server) when those are free.
	TalkPorts bool
	// FrontPort, when not zero, is the port of the front layer: the proxy
	// when the lesson starts one, else the first layer it starts.
	FrontPort int
	// Recorder receives the layers' events; nil means a new one.
	Recorder *trace.Recorder
	// Out receives what the lesson shows, one call at a time.
	Out func(Output)
	// AnswerTimeout bounds the wait for an answer that neither ends nor
	// closes; zero means 3 seconds.
	AnswerTimeout time.Duration
	// Settings override the settings of a layer's start line, by kind:
	// {"proxy": {"config": "/etc/my-nginx.conf"}}.
	Settings map[string]map[string]string
	// StrictFront makes a busy port an error for the front layer, rather
	// than a reason to take a free one: outside clients are told the
	// front's port.
	StrictFront bool
	// TypingPause is how long the runner waits, after the layer has read a
	// typed line, for an early answer before typing the next; zero means
	// 50 milliseconds.
	TypingPause time.Duration
	// Interactive says a person is at the keyboard (the TUI): a try action
	// is handed over as an OutTry instead of being described.
	Interactive bool
	// Gate, when set, holds each request at each hop until it is let
	// through (the presenter's hop-by-hop mode); answers are waited for
	// as long as a request is held.
	Gate *trace.Gate
	// MeasureAtMost, when not zero, caps the requests of each measure
	// action. The tests set it: under the race detector each CGI request
	// starts the test binary, over a second, and a lesson's 200 would not
	// fit their time.
	MeasureAtMost int
	// TypeDelay, when not zero, types each scripted line a character at a
	// time, that long apart, so that a room can read it as it is typed.
	TypeDelay time.Duration
	// Host says which layers this system runs (see Live); nil means this
	// system.
	Host *Host
}

// Runner runs one lesson.
type Runner struct {
	lesson *lessons.Lesson
	opts   Options
	rec    *trace.Recorder
	sub    *trace.Subscription
	asm    *trace.Assembler
	stack  stack.Stack

	outMu sync.Mutex // serialises calls to opts.Out

	clientsMu sync.Mutex
	clients   map[string]bool // local addresses of the runner's own connections

	step     int             // index of the step running
	session  *telnet.Session // the open telnet connection, if any
	sent     []byte          // what the session sent since the last answer
	sentAll  int             // what the session sent in all
	gaveUp   bool            // typed lines are skipped: the server closed
	exchange *exchange       // the last request and answer
	// receivedSoFar counts what the session received in earlier exchanges.
	receivedSoFar int
	printed       int // ID of the last journey reported
	front         frontTracker
	failed        int
	checked       int
	portsMu       sync.Mutex          // guards ports, which Ports reads while a step runs
	ports         map[int]string      // every port a layer listened on, and the layer
	lastPort      map[string]int      // the port each layer last listened on
	started       map[string][]string // each layer started, with its settings
	logs          []trace.Event       // layers' log lines of no request, not shown yet
	idle          []net.Conn          // connections an idle action holds open
	measured      []measurement       // what measure actions found, in order
	trickling     *trickling          // the slow clients of a trickle action
	frontName     string              // the kind of the front layer
	onLabSaid     map[string]bool     // layers said to run on the lab's own layer, not the real program
}

// New prepares a Runner for l. It checks that every layer l starts exists.
func New(l *lessons.Lesson, opts Options) (*Runner, error) {
	if l.Planned {
		return nil, fmt.Errorf("lesson %d (%s) is not written yet", l.Number, l.Title)
	}
	if err := validate(l); err != nil {
		return nil, err
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1"
	}
	if opts.AnswerTimeout == 0 {
		opts.AnswerTimeout = 3 * time.Second
	}
	if opts.TypingPause == 0 {
		opts.TypingPause = 50 * time.Millisecond
	}
	rec := opts.Recorder
	if rec == nil {
		rec = trace.NewRecorder(0, 0)
	}
	if opts.Gate != nil {
		rec.SetGate(opts.Gate)
	}
	r := &Runner{lesson: l, opts: opts, rec: rec, asm: trace.NewAssembler(0),
		ports: map[int]string{}, lastPort: map[string]int{}, started: map[string][]string{}, frontName: frontKind(l)}
	r.sub = rec.Subscribe()
	return r, nil
}

// validate reports every action that names a layer the lab lacks and
// every challenge whose checks cannot be read, as FILE:LINE, in line
// order.
func validate(l *lessons.Lesson) error {
	var errs []*lessons.Error
	for _, s := range l.Steps {
		for _, a := range s.Actions() {
			switch a.Verb {
			case lessons.Start, lessons.Stop, lessons.Telnet, lessons.Try, lessons.Drill, lessons.Idle:
				if _, ok := kinds.Lookup(a.Args[0]); !ok {
					errs = append(errs, &lessons.Error{File: l.Source, Line: a.Line,
						Msg: fmt.Sprintf("no layer %q (the lab has: %s)", a.Args[0], strings.Join(kinds.Names(), ", "))})
				}
			}
		}
	}
	if _, err := challenge.CompileLesson(l); err != nil {
		var es lessons.Errors
		var e *lessons.Error
		switch {
		case errors.As(err, &es):
			errs = append(errs, es...)
		case errors.As(err, &e):
			errs = append(errs, e)
		}
	}
	return lessons.InOrder(errs)
}

// Scripted reports whether addr, a client address as a layer sees it, is
// one of the runner's own connections rather than a person's (the TUI's
// prompt, curl, a real telnet). It is safe to call while a step runs.
func (r *Runner) Scripted(addr string) bool {
	r.clientsMu.Lock()
	defer r.clientsMu.Unlock()
	return r.clients[addr]
}

func (r *Runner) addClient(addr string) {
	r.clientsMu.Lock()
	defer r.clientsMu.Unlock()
	if r.clients == nil {
		r.clients = map[string]bool{}
	}
	r.clients[addr] = true
}

// frontKind returns the kind of the layer clients talk to first in l: the
// proxy when l starts one, else the first layer l starts.
func frontKind(l *lessons.Lesson) string {
	first := ""
	for _, s := range l.Steps {
		for _, a := range s.Actions() {
			if a.Verb != lessons.Start {
				continue
			}
			if a.Args[0] == "proxy" {
				return "proxy"
			}
			if first == "" {
				first = a.Args[0]
			}
		}
	}
	return first
}

// Live reports whether the lesson runs live on this system: nil, or a
// *NotLiveError that says why not. Callers play its recorded run instead
// of running a lesson that does not.
func (r *Runner) Live() error { return r.opts.Host.Live(r.lesson) }

// Lesson returns the lesson being run.
func (r *Runner) Lesson() *lessons.Lesson { return r.lesson }

// Stack returns the layers running now.
func (r *Runner) Stack() *stack.Stack { return &r.stack }

// Recorder returns the recorder the layers report to.
func (r *Runner) Recorder() *trace.Recorder { return r.rec }

// Ports returns every port a layer of this run listened on, with the
// layer's name, for normalizing transcripts. It is safe to call while a
// step runs.
func (r *Runner) Ports() map[int]string {
	r.portsMu.Lock()
	defer r.portsMu.Unlock()
	return maps.Clone(r.ports)
}

// Failed returns how many expectations did not hold, and how many were
// checked.
func (r *Runner) Failed() (failed, checked int) { return r.failed, r.checked }

func (r *Runner) out(o Output) {
	if r.opts.Out == nil {
		return
	}
	o.Step = r.step
	r.outMu.Lock()
	defer r.outMu.Unlock()
	r.opts.Out(o)
}

// Run carries out every step in order and then stops the stack. It returns
// the first error that stops the lesson; expectations that fail do not stop
// it (see Failed).
func (r *Runner) Run(ctx context.Context) error {
	r.out(Output{Kind: OutLesson, Text: fmt.Sprintf("Lesson %d: %s", r.lesson.Number, r.lesson.Title)})
	if r.lesson.Intro != "" {
		r.out(Output{Kind: OutProse, Text: r.lesson.Intro})
	}
	var err error
	for i := range r.lesson.Steps {
		if err = ctx.Err(); err != nil {
			break
		}
		if err = r.RunStep(ctx, i); err != nil {
			break
		}
	}
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		r.out(Output{Kind: OutEnd, Text: r.summary()})
	}
	return err
}

func (r *Runner) summary() string {
	switch {
	case r.failed > 0:
		return fmt.Sprintf("Lesson %d finished: %d of its %s failed.", r.lesson.Number, r.failed, Checks(r.checked))
	case r.checked == 1:
		return fmt.Sprintf("Lesson %d finished: the 1 check held.", r.lesson.Number)
	}
	return fmt.Sprintf("Lesson %d finished: all %d checks held.", r.lesson.Number, r.checked)
}

// Checks says n checks, in the singular for one: "1 check", "3 checks".
func Checks(n int) string {
	if n == 1 {
		return "1 check"
	}
	return fmt.Sprintf("%d checks", n)
}

// RunStep carries out step i: its narrative and its lab blocks in order.
// At the end of each lab block, the answer to what was sent is waited for.
func (r *Runner) RunStep(ctx context.Context, i int) error {
	if i < 0 || i >= len(r.lesson.Steps) {
		return fmt.Errorf("lesson %d has no step %d", r.lesson.Number, i+1)
	}
	r.step = i
	s := r.lesson.Steps[i]
	r.out(Output{Kind: OutStep, Text: fmt.Sprintf("Step %d of %d: %s", i+1, len(r.lesson.Steps), s.Title)})
	for _, b := range s.Blocks {
		if b.Actions == nil {
			r.out(Output{Kind: OutProse, Text: b.Prose})
			continue
		}
		r.gaveUp = false
		for _, a := range b.Actions {
			if err := r.do(ctx, a); err != nil {
				return &lessons.Error{File: r.lesson.Source, Line: a.Line, Msg: err.Error(), Err: err}
			}
		}
		if err := r.finishExchange(ctx); err != nil {
			return err
		}
	}
	r.closeIdle()
	return nil
}

// Close closes the telnet connection and stops every layer, the last
// started first, giving them two seconds to finish what they serve.
func (r *Runner) Close() error {
	if r.opts.Gate != nil {
		r.opts.Gate.SetOn(false) // a held request must not keep a layer from stopping
	}
	r.closeIdle()
	var errs []error
	if r.session != nil {
		errs = append(errs, r.session.Close())
		r.session = nil
	}
	layers := r.stack.Layers()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	errs = append(errs, r.stack.StopAll(ctx))
	for i := len(layers) - 1; i >= 0; i-- {
		r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("stopped %s", layers[i].Name())})
	}
	r.sub.Close()
	return errors.Join(errs...)
}

// Restart stops the running layer named name and starts it again, on the
// same address, with the settings its lesson gave it. It must not run
// while a step runs.
func (r *Runner) Restart(ctx context.Context, name string) error {
	l := r.stack.Get(name)
	words, ok := r.started[name]
	if l == nil || !ok {
		return fmt.Errorf("restart %s: %s is not running", name, name)
	}
	addr := l.Addr().String()
	if err := r.stack.Stop(ctx, name); err != nil {
		r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("%s did not stop cleanly: %v", name, err)})
	}
	r.out(Output{Kind: OutInfo, Text: "stopped " + name})
	return r.startAt(ctx, name, words, addr, true)
}

// addrFor returns the address a layer of kind k listens on: the front port
// for the front layer when set, else the talk's port when asked for and
// free, else a free port.
func (r *Runner) addrFor(k kinds.Kind) (addr string, preferred bool) {
	port := 0
	switch {
	case r.opts.FrontPort != 0 && k.Name == r.frontName:
		port = r.opts.FrontPort
	case r.opts.TalkPorts:
		port, preferred = k.Port, true
	}
	return net.JoinHostPort(r.hostFor(k.Name), strconv.Itoa(port)), preferred
}

// hostFor returns the host the layer named name listens on: Listen for
// the front layer, and loopback for those behind it, which only the
// layers in front talk to. Exposing the front must not open a way around
// it to the app servers.
func (r *Runner) hostFor(name string) string {
	if name == r.frontName {
		return r.opts.Listen
	}
	return "127.0.0.1"
}
