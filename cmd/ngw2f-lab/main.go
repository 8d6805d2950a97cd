// Command ngw2f-lab is a hands-on lab in the terminal for the talk "The
// Request-Response Cycle in the ngw2f Stack": it starts each layer of the
// stack for real (a raw socket server, a proxy, a pre-fork server, a
// gateway app, a toolkit, a framework), sends telnet-style requests
// through them, and shows the exact bytes that cross every hop.
//
// Usage:
//
//	ngw2f-lab list              the lessons
//	ngw2f-lab lesson 1          run lesson 1 (--plain for text)
//	ngw2f-lab replay 1          print lesson 1's recorded run, no sockets
//	ngw2f-lab export 1          lesson 1's journeys as Markdown or HAR
//	ngw2f-lab telnet HOST PORT  a raw telnet-style client
//	ngw2f-lab present           the lessons as a talk; notes, next, prev follow it
//	ngw2f-lab check             what runs live on this machine, before a talk
//	ngw2f-lab up                the whole stack for outside clients
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"

	// Every layer and every app: a worker process looks its app up by
	// name (app:application), and finds it because the binary links it.
	_ "github.com/ngw2f/ngw2f-lab/stack/kinds"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the lab failed, or a lesson's checks did not hold
	exitUsage = 2 // the command line was wrong
)

func main() {
	// The pre-fork server's workers are this binary started again: they
	// must never get as far as the command line.
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	stack.OneProcessor()
	os.Exit(run(os.Args[1:]))
}

// run executes the command line args and returns the exit code.
func run(args []string) int {
	cmd := newRootCmd(defaultIO())
	cmd.SetArgs(args)
	return exitCode(os.Stderr, cmd.Execute())
}

// exitCode returns the exit code for what a command returned, and tells
// stderr about an error the command has not told the user about already.
func exitCode(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var quiet *quietError
	if errors.As(err, &quiet) {
		return exitError
	}
	fmt.Fprintf(stderr, "ngw2f-lab: %v\n", err)
	var uerr *usageError
	if errors.As(err, &uerr) || errors.Is(err, lessons.ErrUnknown) {
		return exitUsage
	}
	return exitError
}

// untilSignal returns a context that ends with ctx (nil for none) or at
// the first of sigs, so that a command stops what it started on Ctrl-C.
func untilSignal(ctx context.Context, sigs ...os.Signal) (context.Context, context.CancelFunc) {
	if ctx == nil {
		ctx = context.Background()
	}
	return signal.NotifyContext(ctx, sigs...)
}

// quietError is a failure the command has already told the user about.
type quietError struct{ err error }

func (e *quietError) Error() string { return e.err.Error() }
func (e *quietError) Unwrap() error { return e.err }

// usageError is a command line the lab cannot make sense of.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }
