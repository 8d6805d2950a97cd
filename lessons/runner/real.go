package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
)

// startReal starts the real program kind k mirrors, when the host asks
// for the real programs, and returns it. It returns nil and no error when
// the lab's own layer is to start instead, which it says in one line:
// the program is missing, or there is none for k. A busy port is an
// error, as for the lab's own layers.
func (r *Runner) startReal(ctx context.Context, k kinds.Kind, cfg stack.Config, args map[string]string) (stack.Layer, error) {
	progs := r.opts.Host.programs()
	if progs == nil {
		return nil, nil
	}
	if k.Real == nil {
		r.onLab(k.Name, fmt.Sprintf("%s: the lab starts no real program for %s", k.Name, k.Mirrors))
		return nil, nil
	}
	l, err := k.Real(cfg, progs, maps.Clone(args))
	if err == nil {
		err = r.stack.Start(ctx, l)
	}
	var busy *stack.PortBusyError
	switch {
	case err == nil:
		return l, nil
	case errors.As(err, &busy):
		return nil, err
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, k.Name+": ") {
		msg = k.Name + ": " + msg
	}
	r.onLab(k.Name, msg)
	return nil, nil
}

// onLab says, once a lesson for each layer, that it runs on the lab's
// own layer instead of the real program, and why.
func (r *Runner) onLab(name, why string) {
	if r.onLabSaid == nil {
		r.onLabSaid = map[string]bool{}
	}
	if r.onLabSaid[name] {
		return
	}
	r.onLabSaid[name] = true
	r.out(Output{Kind: OutInfo, Text: why + "; " + name + " runs on the lab's own layer instead"})
}
