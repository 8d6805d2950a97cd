package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// flushWait bounds how long the runner waits for a layer's events to come
// in and for its workers to settle.
const flushWait = 5 * time.Second

// flushLayers waits until every layer that sends its events from other
// processes has sent them all and has settled, then takes them in.
func (r *Runner) flushLayers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, flushWait)
	defer cancel()
	if err := r.FlushTrace(ctx); err != nil {
		return err
	}
	r.pump()
	return nil
}

// FlushTrace returns once every layer whose events come from other
// processes (the pre-fork server's workers) has sent the recorder all it
// holds, or ctx ends: a subscriber of Recorder then has every event of
// what the stack did so far.
func (r *Runner) FlushTrace(ctx context.Context) error {
	for _, l := range r.stack.Layers() {
		if f, ok := l.(stack.TraceFlusher); ok {
			if err := f.FlushTrace(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// background keeps a layer's log line that belongs to no connection, to
// show after the action that caused it.
func (r *Runner) background(e trace.Event) {
	if e.Kind == trace.KindLog && e.Conn.IsZero() {
		r.logs = append(r.logs, e)
	}
}

// showLogs shows the layers' log lines kept since the last time.
func (r *Runner) showLogs() {
	for _, e := range r.logs {
		r.out(Output{Kind: OutLog, Layer: e.Layer, Text: LogText(e)})
	}
	r.logs = nil
}

// LogText is a log event as a line, as an OutLog shows it: hooks and the
// master's log as they are, other kinds named.
func LogText(e trace.Event) string {
	switch e.Name {
	case "hook":
		return "hook " + string(e.Data)
	case "log", "":
		return string(e.Data)
	}
	return e.Name + ": " + string(e.Data)
}

// settle lets the layers' events catch up and shows their log lines.
func (r *Runner) settleLayers(ctx context.Context) error {
	if err := r.flushLayers(ctx); err != nil {
		return err
	}
	r.showLogs()
	return nil
}

// runningLayer lets the exchange in progress finish and returns the
// running layer an action (verb) is about.
func (r *Runner) runningLayer(ctx context.Context, verb, name string) (stack.Layer, error) {
	if err := r.finishExchange(ctx); err != nil {
		return nil, err
	}
	l := r.stack.Get(name)
	if l == nil {
		return nil, fmt.Errorf("%s %s: %s is not running (start it first)", verb, name, name)
	}
	return l, nil
}

// workerKiller is a layer with worker processes to kill.
type workerKiller interface {
	KillWorker(ctx context.Context) (int, error)
}

// kill kills a worker of a layer with SIGKILL and waits for it to be
// replaced.
func (r *Runner) kill(ctx context.Context, name string) error {
	l, err := r.runningLayer(ctx, "kill", name)
	if err != nil {
		return err
	}
	k, ok := l.(workerKiller)
	if !ok {
		return fmt.Errorf("kill %s: %s has no worker processes to kill", name, name)
	}
	pid, err := k.KillWorker(ctx)
	if err != nil {
		return err
	}
	r.out(Output{Kind: OutCommand, Text: fmt.Sprintf("kill -9 %d", pid)})
	return r.settleLayers(ctx)
}

// pidKiller is a layer that kills one of its worker processes by PID.
type pidKiller interface {
	KillWorkerPID(ctx context.Context, pid int) error
}

// KillWorker kills the worker pid of the running layer named name, as
// kill -9 does, through the layer, which holds its processes: a PID that
// is no longer one of its workers is left alone, as it may now belong to
// another program. Like a lesson's kill, it shows the command and what
// the master logs as it replaces the worker. It must not run while a step
// runs.
func (r *Runner) KillWorker(ctx context.Context, name string, pid int) error {
	l := r.stack.Get(name)
	if l == nil {
		return fmt.Errorf("kill %s: %s is not running", name, name)
	}
	k, ok := l.(pidKiller)
	if !ok {
		return fmt.Errorf("kill %s: %s has no worker processes to kill", name, name)
	}
	if err := k.KillWorkerPID(ctx, pid); err != nil {
		return err
	}
	r.out(Output{Kind: OutCommand, Text: fmt.Sprintf("kill -9 %d", pid)})
	return r.settleLayers(ctx)
}

// StopLayer stops the running layer named name, as a lesson's stop does.
// It must not run while a step runs.
func (r *Runner) StopLayer(ctx context.Context, name string) error {
	if r.stack.Get(name) == nil {
		return fmt.Errorf("stop %s: %s is not running", name, name)
	}
	return r.do(ctx, lessons.Action{Verb: lessons.Stop, Args: []string{name}})
}

// StartLayer starts the layer named name again, after it was stopped, on
// the port it had and with the settings its lesson gave it. It must not
// run while a step runs.
func (r *Runner) StartLayer(ctx context.Context, name string) error {
	words, ok := r.started[name]
	switch {
	case !ok:
		return fmt.Errorf("start %s: %s has not run in this lesson", name, name)
	case r.stack.Get(name) != nil:
		return fmt.Errorf("start %s: %s is running", name, name)
	}
	return r.start(ctx, name, words)
}

// signaller is a layer whose master takes signals.
type signaller interface {
	Signal(ctx context.Context, sig prefork.Signal) error
}

// signal sends a layer's master a signal. The master is the lab's own
// process, so the signal is handed to it as a call; the lab says what
// command would send it to a real gunicorn.
func (r *Runner) signal(ctx context.Context, name, sig string) error {
	l, err := r.runningLayer(ctx, "signal", name)
	if err != nil {
		return err
	}
	s, ok := l.(signaller)
	if !ok {
		return fmt.Errorf("signal %s: %s has no master process to signal", name, name)
	}
	ps, err := prefork.ParseSignal(sig)
	if err != nil {
		return fmt.Errorf("signal %s: %w", name, err)
	}
	r.out(Output{Kind: OutCommand, Text: fmt.Sprintf("kill -%s %d", ps, l.PIDs()[0])})
	err = s.Signal(ctx, ps)
	if sig == "TERM" || sig == "INT" || sig == "QUIT" {
		r.stack.Stop(ctx, name) // it stopped itself; the stack forgets it
		r.pump()
		r.showLogs()
		return ignoreClosed(err)
	}
	if err != nil {
		return err
	}
	return r.settleLayers(ctx)
}

func ignoreClosed(err error) error {
	if errors.Is(err, stack.ErrServerClosed) {
		return nil
	}
	return err
}
