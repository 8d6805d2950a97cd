package runner

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
)

// StartStack starts the lesson's stack for outside clients, without its
// exchanges: the layers still running when the lesson ends, with the
// settings of their last start lines, in the order of those lines, the
// front layer last, so that what it passes requests to already listens
// when it starts. A layer the lesson stopped on the way (to show what
// happens without it) stays stopped, unless a layer that runs at the end
// passes requests to its port: then it runs too, as the lesson ran it.
// When a layer of that stack does not run on this system, none starts
// and the error is a *NotLiveError.
func (r *Runner) StartStack(ctx context.Context) error {
	if err := r.StackLive(); err != nil {
		return err
	}
	plan := r.stackPlan()
	if err := r.frontFree(ctx, plan); err != nil {
		return err
	}
	for _, a := range plan {
		if err := r.start(ctx, a.Args[0], a.Args[1:]); err != nil {
			return &lessons.Error{File: r.lesson.Source, Line: a.Line, Msg: err.Error()}
		}
	}
	return nil
}

// frontFree checks, for a runner whose front layer must have its port
// (StrictFront), that the port is free before any layer of plan starts:
// the layers behind the front start first, and a pre-fork server's
// workers should not start only to be stopped again.
func (r *Runner) frontFree(ctx context.Context, plan []lessons.Action) error {
	if !r.opts.StrictFront || len(plan) == 0 {
		return nil
	}
	front := plan[len(plan)-1]
	k, _ := kinds.Lookup(front.Args[0])
	addr, _ := r.addrFor(k)
	if _, port, _ := net.SplitHostPort(addr); port == "0" {
		return nil
	}
	ln, err := stack.Listen(ctx, k.Name, addr)
	if err != nil {
		return &lessons.Error{File: r.lesson.Source, Line: front.Line, Msg: err.Error(), Err: err}
	}
	return ln.Close()
}

// StackLive reports whether every layer StartStack would start runs on
// this system: nil, or a *NotLiveError that says why not.
func (r *Runner) StackLive() error {
	return r.opts.Host.runsAll(r.lesson.Number, r.endStack())
}

// stackPlan returns the start lines StartStack carries out, in the order
// of the lesson, the front layer last, and makes the front layer the one
// in front of that stack.
func (r *Runner) stackPlan() []lessons.Action {
	order := r.endStack()
	if len(order) > 0 && index(order, "proxy") < 0 {
		r.frontName = order[0].Args[0] // the lesson's first layer may be gone by its end
	}
	slices.SortStableFunc(order, func(a, b lessons.Action) int {
		return cmp.Or(cmp.Compare(r.isFront(a), r.isFront(b)), cmp.Compare(a.Line, b.Line))
	})
	return order
}

// endStack returns the start lines of the layers running at the end of
// the lesson, and before them those of the stopped layers they need.
func (r *Runner) endStack() []lessons.Action {
	var running, stopped []lessons.Action
	for _, s := range r.lesson.Steps {
		for _, a := range s.Actions() {
			switch {
			case a.Verb == lessons.Start:
				stopped = without(stopped, a.Args[0])
				running = append(without(running, a.Args[0]), a)
			case a.StopsLayer():
				if i := index(running, a.Args[0]); i >= 0 {
					stopped = append(without(stopped, a.Args[0]), running[i])
					running = without(running, a.Args[0])
				}
			}
		}
	}
	var needed []lessons.Action
	for _, a := range running {
		for _, port := range r.dialedPorts(a) {
			if servedBy(running, port) >= 0 || servedBy(needed, port) >= 0 {
				continue
			}
			if i := servedBy(stopped, port); i >= 0 {
				needed = append(needed, stopped[i])
			}
		}
	}
	return append(needed, running...)
}

// dialedPorts returns the ports the layer a starts passes requests to.
func (r *Runner) dialedPorts(a lessons.Action) []int {
	k, _ := kinds.Lookup(a.Args[0])
	if k.Dials == nil {
		return nil
	}
	args, err := parseArgs(a.Args[1:])
	if err != nil {
		return nil // starting it will say what is wrong
	}
	for key, v := range r.opts.Settings[a.Args[0]] {
		args[key] = v
	}
	addrs, err := k.Dials(args)
	if err != nil {
		return nil
	}
	var ports []int
	for _, addr := range addrs {
		if _, p, err := net.SplitHostPort(addr); err == nil {
			if n, err := strconv.Atoi(p); err == nil {
				ports = append(ports, n)
			}
		}
	}
	return ports
}

// servedBy returns the index of the last start line in as whose layer
// listens on the talk's port, or -1.
func servedBy(as []lessons.Action, port int) int {
	for i := len(as) - 1; i >= 0; i-- {
		if k, _ := kinds.Lookup(as[i].Args[0]); k.Port == port {
			return i
		}
	}
	return -1
}

func index(as []lessons.Action, name string) int {
	return slices.IndexFunc(as, func(a lessons.Action) bool { return a.Args[0] == name })
}

func without(as []lessons.Action, name string) []lessons.Action {
	return slices.DeleteFunc(slices.Clone(as), func(a lessons.Action) bool { return a.Args[0] == name })
}

// isFront is 1 for a start line of the lesson's front layer, 0 for any
// other, to sort the front layer last.
func (r *Runner) isFront(a lessons.Action) int {
	if a.Args[0] == r.frontName {
		return 1
	}
	return 0
}

// parseArgs reads the key=value words after "start NAME".
func parseArgs(words []string) (map[string]string, error) {
	args := map[string]string{}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("start: %q is not key=value", w)
		}
		args[k] = v
	}
	return args, nil
}
