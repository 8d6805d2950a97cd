package proxy

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestErrorLogLevel: a line below the level of the error_log that applies
// (error by default, as in the talk's configuration) is one nginx writes
// nowhere; the trace names it ErrorLogBelow. At info, it is logged.
func TestErrorLogLevel(t *testing.T) {
	for _, tt := range []struct {
		level, name string
		written     bool
	}{
		{"", ErrorLogBelow, false},
		{" error", ErrorLogBelow, false},
		{" info", "error_log", true},
	} {
		t.Run("error_log"+tt.level, func(t *testing.T) {
			dir := filepath.ToSlash(t.TempDir())
			p := startProxy(t, "events {}\nhttp { error_log "+dir+"/error.log"+tt.level+"; server { listen 8080; root "+dir+"; } }", nil)
			ask(t, p.Addr().String(), "GET / HTTP/1.1\r\n\r\n", time.Second)
			logs := p.logs("error_log", ErrorLogBelow)
			if len(logs[tt.name]) != 1 || !strings.Contains(logs[tt.name][0], `[info]`) {
				t.Errorf("the trace's %s lines are %q; want the [info] line (all: %q)", tt.name, logs[tt.name], logs)
			}
			file, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			if got := strings.Contains(string(file), "without \"Host\" header"); got != tt.written {
				t.Errorf("written to the file: %v, want %v (%q)", got, tt.written, file)
			}
		})
	}
}
