package stack_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack"
)

// fakeLayer records the order layers are stopped in.
type fakeLayer struct {
	name    string
	stopped *[]string
	slow    bool // Shutdown does not finish before ctx ends
	closed  bool
}

func (f *fakeLayer) Name() string                { return f.name }
func (f *fakeLayer) Start(context.Context) error { return nil }
func (f *fakeLayer) Addr() net.Addr              { return nil }
func (f *fakeLayer) PIDs() []int                 { return nil }
func (f *fakeLayer) Close() error                { f.closed = true; return nil }
func (f *fakeLayer) Shutdown(ctx context.Context) error {
	*f.stopped = append(*f.stopped, f.name)
	if f.slow {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func TestStackStopsInReverse(t *testing.T) {
	t.Parallel()
	var stopped []string
	var s stack.Stack
	ctx := context.Background()
	slow := &fakeLayer{name: "proxy", stopped: &stopped, slow: true}
	for _, l := range []stack.Layer{&fakeLayer{name: "app", stopped: &stopped}, slow} {
		if err := s.Start(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Start(ctx, &fakeLayer{name: "app", stopped: &stopped}); err == nil {
		t.Error("a second layer named app was started")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.StopAll(cctx); err != nil {
		t.Errorf("StopAll: %v", err)
	}
	if strings.Join(stopped, ",") != "proxy,app" {
		t.Errorf("stopped %v, want the last started first", stopped)
	}
	if !slow.closed {
		t.Error("a layer that did not shut down in time was not closed")
	}
	if len(s.Layers()) != 0 {
		t.Error("layers left in the stack")
	}
}

func TestListenPortBusy(t *testing.T) {
	t.Parallel()
	ln, err := stack.Listen(context.Background(), "proxy", "")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = stack.Listen(context.Background(), "proxy", ln.Addr().String())
	var busy *stack.PortBusyError
	if !errors.As(err, &busy) || busy.Addr != ln.Addr().String() {
		t.Fatalf("second Listen: %v, want a PortBusyError for %s", err, ln.Addr())
	}
	if !strings.Contains(err.Error(), "--port") {
		t.Errorf("message %q does not say how to pick another port", err)
	}
}

// TestListenPortBusyOnAnotherAddress holds a port on the wildcard address
// and listens on its loopback address, which every system must refuse
// (Windows would allow the bind itself, and Listen asks first there).
func TestListenPortBusyOnAnotherAddress(t *testing.T) {
	t.Parallel()
	held, err := net.Listen("tcp", "0.0.0.0:0") // accepts nothing; closed at the end
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(held.Addr().(*net.TCPAddr).Port))
	ln, err := stack.Listen(context.Background(), "proxy", addr)
	if err == nil {
		ln.Close()
	}
	var busy *stack.PortBusyError
	if !errors.As(err, &busy) || busy.Addr != addr {
		t.Fatalf("Listen on %s while 0.0.0.0 holds its port: %v, want a PortBusyError", addr, err)
	}
}

// TestListenIPv4Only listens on 0.0.0.0, as --listen 0.0.0.0 asks: the
// port must not answer on IPv6 loopback, as Go's "tcp" listener would
// (nginx's "listen 0.0.0.0:8080" is IPv4 only too).
func TestListenIPv4Only(t *testing.T) {
	t.Parallel()
	if ln6, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	} else {
		ln6.Close()
	}
	ln, err := stack.Listen(context.Background(), "rawsock", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	if c, err := net.Dial("tcp", "127.0.0.1:"+port); err != nil {
		t.Errorf("no answer on IPv4: %v", err)
	} else {
		c.Close()
	}
	if c, err := net.Dial("tcp", "[::1]:"+port); err == nil {
		c.Close()
		t.Errorf("0.0.0.0:%s answers on [::1] too", port)
	}
}
