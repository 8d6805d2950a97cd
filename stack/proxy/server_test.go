package proxy

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack"
)

func TestLifecycle(t *testing.T) {
	conf, err := LoadEmbedded("part-1")
	if err != nil {
		t.Fatal(err)
	}

	never := New(stack.Config{}, conf)
	if err := never.Close(); err != nil {
		t.Errorf("closing a proxy never started: %v", err)
	}
	if err := never.Start(context.Background()); !errors.Is(err, stack.ErrServerClosed) {
		t.Errorf("Start after Close: %v, want ErrServerClosed", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := New(stack.Config{Addr: ln.Addr().String()}, conf)
	var pbe *stack.PortBusyError
	if err := busy.Start(context.Background()); !errors.As(err, &pbe) {
		t.Errorf("Start on a busy port: %v, want a *stack.PortBusyError", err)
	}
	busy.Close()

	s := New(stack.Config{}, conf)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	dir := s.dir
	if _, err := os.Stat(filepath.Join(dir, "html", "index.html")); err != nil {
		t.Errorf("the embedded configuration's files were not written out: %v", err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the proxy left %s behind (%v)", dir, err)
	}
}
