package runner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
	"github.com/ngw2f/ngw2f-lab/stack/telnet"
)

// do carries out one action.
func (r *Runner) do(ctx context.Context, a lessons.Action) error {
	switch a.Verb {
	case lessons.Start:
		return r.start(ctx, a.Args[0], a.Args[1:])
	case lessons.Stop:
		if err := r.finishExchange(ctx); err != nil {
			return err
		}
		if err := r.stack.Stop(ctx, a.Args[0]); err != nil {
			return err
		}
		r.pump()
		r.logs = nil // a stop's log lines come in any order: workers stop side by side
		r.out(Output{Kind: OutInfo, Text: "stopped " + a.Args[0]})
		return nil
	case lessons.Telnet:
		return r.telnet(ctx, a.Args[0])
	case lessons.Type:
		return r.typeLine(ctx, a.Args[0])
	case lessons.Send:
		return r.send(a.Data)
	case lessons.Wait:
		return r.finishExchange(ctx)
	case lessons.Close:
		return r.closeSession(ctx)
	case lessons.Expect:
		if err := r.finishExchange(ctx); err != nil {
			return err
		}
		e, err := lessons.ParseExpectation(a.Args)
		if err != nil {
			return err
		}
		r.check(e)
		return nil
	case lessons.Explain:
		if err := r.finishExchange(ctx); err != nil {
			return err
		}
		return r.explain(a.Args[0])
	case lessons.Try:
		return r.try(a)
	case lessons.Drill:
		return r.drill(ctx, a)
	case lessons.Kill:
		return r.kill(ctx, a.Args[0])
	case lessons.Signal:
		return r.signal(ctx, a.Args[0], a.Args[1])
	case lessons.Idle:
		n, _ := strconv.Atoi(a.Args[1])
		return r.openIdle(ctx, a.Args[0], n)
	case lessons.Trickle:
		n, _ := strconv.Atoi(a.Args[1])
		return r.trickle(ctx, a.Args[0], n)
	case lessons.Spread:
		n, _ := strconv.Atoi(a.Args[1])
		return r.spread(ctx, a.Args[0], n, a.Args[2])
	case lessons.Pause:
		d, _ := time.ParseDuration(a.Args[0])
		if err := sleep(ctx, d); err != nil {
			return err
		}
		r.out(Output{Kind: OutInfo, Text: "waited " + d.String()})
		return nil
	case lessons.Measure:
		n, _ := strconv.Atoi(a.Args[1])
		return r.measure(ctx, a.Args[0], n, a.Args[2])
	}
	return fmt.Errorf("unknown action %q", a.Verb)
}

// start starts a layer, on the talk's port when asked and free. A layer
// started again comes back on the port it had, where the layers in front
// of it still look for it (their peers were settled when they started):
// a busy port is then an error, not a reason to move.
func (r *Runner) start(ctx context.Context, name string, words []string) error {
	if port, ok := r.lastPort[name]; ok {
		return r.startAt(ctx, name, words, net.JoinHostPort(r.hostFor(name), strconv.Itoa(port)), false)
	}
	k, _ := kinds.Lookup(name)
	addr, preferred := r.addrFor(k)
	return r.startAt(ctx, name, words, addr, preferred)
}

// startAt starts a layer on addr; when that port is busy and fallback is
// set, on a free port instead.
func (r *Runner) startAt(ctx context.Context, name string, words []string, addr string, fallback bool) error {
	k, _ := kinds.Lookup(name)
	args, err := parseArgs(words)
	if err != nil {
		return err
	}
	for key, v := range r.opts.Settings[name] {
		args[key] = v
	}
	l, err := r.startLayer(ctx, k, addr, args)
	var busy *stack.PortBusyError
	strict := r.opts.StrictFront && name == r.frontName
	if fallback && !strict && errors.As(err, &busy) {
		_, port, _ := net.SplitHostPort(addr)
		r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("port %s is busy; %s takes a free port instead", port, name)})
		l, err = r.startLayer(ctx, k, net.JoinHostPort(r.hostFor(name), "0"), args)
	}
	if err != nil {
		return err
	}
	if ta, ok := l.Addr().(*net.TCPAddr); ok {
		r.portsMu.Lock()
		r.ports[ta.Port] = name
		r.portsMu.Unlock()
		r.lastPort[name] = ta.Port
	}
	r.started[name] = words
	mirrors := k.Mirrors
	if p, ok := l.(stack.RealProgram); ok {
		mirrors = p.Program() + ", " + p.Executable()
	}
	r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("%s is listening on %s (%s), %s",
		name, l.Addr(), pidList(l.PIDs()), mirrors)})
	return r.settleLayers(ctx)
}

// startLayer makes and starts one layer of kind k on addr: the real
// program it mirrors when the host asks for them and has it, else the
// lab's own.
func (r *Runner) startLayer(ctx context.Context, k kinds.Kind, addr string, args map[string]string) (stack.Layer, error) {
	cfg := stack.Config{Name: k.Name, Addr: addr, Trace: r.rec, Peers: r.peers()}
	if l, err := r.startReal(ctx, k, cfg, args); l != nil || err != nil {
		return l, err
	}
	l, err := k.New(cfg, args)
	if err != nil {
		return nil, err
	}
	return l, r.stack.Start(ctx, l)
}

// peers maps the talk's address of every running layer to where it really
// listens, when the two differ.
func (r *Runner) peers() map[string]string {
	m := map[string]string{}
	for _, l := range r.stack.Layers() {
		k, ok := kinds.Lookup(l.Name())
		ta, isTCP := l.Addr().(*net.TCPAddr)
		if !ok || !isTCP || k.Port == 0 || ta.Port == k.Port {
			continue
		}
		real := l.Addr().String()
		for _, host := range []string{"127.0.0.1", "localhost", r.opts.Listen} {
			m[net.JoinHostPort(host, strconv.Itoa(k.Port))] = real
		}
	}
	return m
}

func pidList(pids []int) string {
	s := make([]string, len(pids))
	for i, p := range pids {
		s[i] = fmt.Sprintf("pid %d", p)
	}
	return strings.Join(s, ", ")
}

// telnet opens a telnet connection to a running layer.
func (r *Runner) telnet(ctx context.Context, name string) error {
	if err := r.closeSession(ctx); err != nil {
		return err
	}
	l := r.stack.Get(name)
	if l == nil {
		return fmt.Errorf("telnet %s: %s is not running (start it first)", name, name)
	}
	addr := l.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	r.out(Output{Kind: OutCommand, Text: "telnet localhost " + port})
	s, err := telnet.Dial(ctx, "localhost", addr, screenWriter{r})
	if err != nil {
		return err
	}
	r.session, r.exchange, r.receivedSoFar, r.sentAll = s, nil, 0, 0
	r.front.watch(s.LocalAddr().String())
	r.addClient(s.LocalAddr().String())
	return nil
}

// screenWriter turns what a telnet session shows into Outputs.
type screenWriter struct{ r *Runner }

func (w screenWriter) Write(p []byte) (int, error) {
	w.r.out(Output{Kind: OutScreen, Text: string(p)})
	return len(p), nil
}

// typeLine types one line on the telnet connection, at a person's pace.
// Once the server has closed the connection, the lines left are not typed:
// telnet would have exited.
func (r *Runner) typeLine(ctx context.Context, line string) error {
	if r.session == nil {
		return errors.New("nothing to type on: open a connection with telnet LAYER first")
	}
	if ended, _ := r.session.Ended(); ended {
		if !r.gaveUp {
			r.gaveUp = true
			r.out(Output{Kind: OutInfo, Text: "the server has closed the connection, so telnet is gone: the rest is never typed"})
		}
		return nil
	}
	r.sent = append(r.sent, line+"\r\n"...)
	r.sentAll += len(line) + 2
	send := r.session.SendLine
	if r.opts.TypeDelay > 0 {
		send = func(line string) error { return r.session.TypeLine(ctx, line, r.opts.TypeDelay) }
	}
	if err := send(line); err != nil {
		return err
	}
	r.settle(ctx, r.sentAll)
	return nil
}

func (r *Runner) send(data []byte) error {
	if err := r.needSession(); err != nil {
		return err
	}
	r.sent = append(r.sent, data...)
	r.sentAll += len(data)
	r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("sends %d bytes in one write", len(data))})
	return r.session.Send(data)
}

// needSession checks that there is a connection to type on.
func (r *Runner) needSession() error {
	if r.session == nil {
		return errors.New("nothing to type on: open a connection with telnet LAYER first")
	}
	if ended, _ := r.session.Ended(); ended {
		return errors.New("the server already closed this connection: open a new one with telnet LAYER")
	}
	return nil
}

// closeSession closes the open telnet connection, as telnet's close
// command, after waiting for any answer still due.
func (r *Runner) closeSession(ctx context.Context) error {
	if r.session == nil {
		return nil
	}
	if err := r.finishExchange(ctx); err != nil {
		return err
	}
	err := r.session.Close()
	r.session = nil
	return err
}

// try offers the learner a telnet prompt: an interactive runner hands it
// to its user as an OutTry. Otherwise nobody is there to type, and the
// runner describes what the prompt would offer, as an OutTurn.
func (r *Runner) try(a lessons.Action) error {
	l := r.stack.Get(a.Args[0])
	if l == nil {
		return fmt.Errorf("try %s: %s is not running (start it first)", a.Args[0], a.Args[0])
	}
	kind := OutTurn
	if r.opts.Interactive {
		kind = OutTry
	}
	r.out(Output{Kind: kind, Layer: a.Args[0], Addr: l.Addr().String(), Offers: a.Offers})
	return nil
}
