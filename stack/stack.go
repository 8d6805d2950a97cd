// Package stack holds what every layer of the lab has in common: the
// Layer surface (start it, ask its address and processes, stop it), the
// configuration each layer starts from, and Stack, the layers of one lesson
// started in order and stopped in reverse.
//
// Each layer lives in a package of its own below this one: rawsock (the
// dozen-line socket server), and the layers of the later lessons.
package stack

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// ErrServerClosed is returned by a layer's Start after it was stopped.
var ErrServerClosed = errors.New("stack: server closed")

// Layer is the surface every layer shares, so lessons and the TUI can treat
// them alike.
type Layer interface {
	// Name is the layer's name in journeys and on screen ("rawsock").
	Name() string
	// Start binds the layer's socket and starts serving. It returns once the
	// layer accepts connections, or with the reason it cannot.
	Start(ctx context.Context) error
	// Addr is the address the layer listens on; nil before Start.
	Addr() net.Addr
	// PIDs lists the layer's processes, the master first.
	PIDs() []int
	// Shutdown stops accepting and waits for connections in flight to end,
	// or for ctx to end, whichever comes first.
	Shutdown(ctx context.Context) error
	// Close stops the layer at once, closing every connection.
	Close() error
}

// TraceFlusher is a layer whose events can reach the recorder after its
// traffic: a pre-fork server's workers send theirs over a pipe. FlushTrace
// returns once every event of what the layer did so far is recorded, and
// the layer has settled (a worker it lost is replaced), so that what the
// lab shows next is complete and always the same.
type TraceFlusher interface {
	FlushTrace(ctx context.Context) error
}

// Halter is a layer that can stop by itself: a pre-fork master that
// cannot start a worker halts, as gunicorn's does. Halted returns why, or
// nil while the layer runs.
type Halter interface {
	Halted() error
}

// CrashReporter is a layer whose processes can end on their own (a
// worker that panics, or that someone kills from a shell). LastCrash says
// how the last one ended, or "" when none did.
type CrashReporter interface {
	LastCrash() string
}

// RealProgram is a layer that runs a real program (nginx, gunicorn, a
// Python server) in place of the lab's own, so that what the lab shows
// names that program rather than the one the lab would have started.
type RealProgram interface {
	// Program names it, with the version the talk ran when it differs:
	// "the real nginx/1.22.1".
	Program() string
	// Executable is its file: "/usr/sbin/nginx".
	Executable() string
}

// Config is what every layer starts from.
type Config struct {
	// Name is the layer's name in journeys; empty means the layer's kind.
	Name string
	// Addr is the host:port to listen on; empty means 127.0.0.1:0, a free
	// port on loopback.
	Addr string
	// Trace receives the layer's events; nil turns tracing off.
	Trace trace.Sink
	// Peers maps addresses the layer's own configuration names (the talk's,
	// such as 127.0.0.1:8000) to where those peers really listen in this
	// run, when that differs: the talk's port was busy, or a test runs
	// every layer on a free port. A layer looks every address it is
	// configured to reach up here first.
	Peers map[string]string
}

// Peer returns where the peer configured at addr really listens.
func (c Config) Peer(addr string) string {
	if real, ok := c.Peers[addr]; ok {
		return real
	}
	return addr
}

// NameOr returns c.Name, or kind when it is empty.
func (c Config) NameOr(kind string) string {
	if c.Name != "" {
		return c.Name
	}
	return kind
}

// Listen opens a TCP listener on addr (127.0.0.1:0 when empty) for the
// layer named layer. A port already in use comes back as a *PortBusyError,
// on every system: on Windows, also a port another program holds on
// another of the machine's addresses, which Unix refuses by itself.
//
// An IPv4 address, 0.0.0.0 included, listens on IPv4 only, as nginx's
// "listen 0.0.0.0:8080" does; Go would add IPv6's [::].
//
// The socket is plain TCP, as nginx's and gunicorn's are (Go would make a
// multipath TCP socket by default where the kernel has it), and the
// connections it accepts send no TCP keep-alive probes.
func Listen(ctx context.Context, layer, addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	// No TCP keep-alive probes on accepted connections: the programs the
	// layers mirror (nginx, gunicorn, a Python socket server) set none.
	lc := net.ListenConfig{KeepAlive: -1}
	lc.SetMultipathTCP(false)
	if heldElsewhere(ctx, addr) {
		return nil, &PortBusyError{Layer: layer, Addr: addr}
	}
	ln, err := lc.Listen(ctx, network(addr), addr)
	if addrInUse(err) {
		return nil, &PortBusyError{Layer: layer, Addr: addr}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", layer, err)
	}
	return ln, nil
}

// network returns the network that listens on addr and nowhere else:
// "tcp4" for an IPv4 address, "tcp6" for an IPv6 one. Go listens on both
// families for "tcp" with 0.0.0.0, exposing [::] too.
func network(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	switch ip := net.ParseIP(host); {
	case ip == nil:
		return "tcp" // a name: whatever it resolves to
	case ip.To4() != nil:
		return "tcp4"
	}
	return "tcp6"
}

// PortBusyError reports that a layer's port is taken by another program.
type PortBusyError struct {
	Layer string
	Addr  string
}

func (e *PortBusyError) Error() string {
	return fmt.Sprintf("%s: cannot listen on %s: the port is already in use by another program (stop it, or pick another port with --port)", e.Layer, e.Addr)
}
