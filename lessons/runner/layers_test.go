package runner

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// runBlock runs a one-step lesson and returns what it showed, one output a
// line, and the error that stopped it.
func runBlock(t *testing.T, block string) (string, error) {
	t.Helper()
	var out []string
	r, err := New(lessonWith(t, block), Options{Out: func(o Output) {
		if o.Kind != OutJourney && o.Kind != OutScreen {
			out = append(out, o.Text)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	skipUnlessLive(t, r)
	defer r.Close()
	err = r.RunStep(context.Background(), 0)
	return strings.Join(out, "\n"), err
}

func TestWorkerActions(t *testing.T) {
	t.Parallel()
	out, err := runBlock(t, "start prefork workers=1 hooks=pre_fork,child_exit,nworkers_changed\n"+
		"kill prefork\nsignal prefork TTIN\ntelnet prefork\n> GET /x HTTP/1.0\n>\nexplain environ\nsignal prefork TERM\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"kill -9 ",
		"Worker with pid ", // the master's log, shown after the kill
		"hook child_exit for worker pid ",
		"kill -TTIN ",
		"hook nworkers_changed 1 -> 2 (master, pid ",
		"PATH_INFO = /x",
		"what it routes on", // the glossary's meaning
		"kill -TERM ",
		"Shutting down: Master",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

func TestWorkerActionsNeedWorkers(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, block, want string }{
		{"kill a layer without workers", "start rawsock\nkill rawsock\n", "rawsock has no worker processes to kill"},
		{"signal a layer without a master", "start rawsock\nsignal rawsock HUP\n", "rawsock has no master process to signal"},
		{"kill a layer not running", "kill prefork\n", "prefork is not running"},
		{"environ without a request", "start rawsock\ntelnet rawsock\n> GET / HTTP/1.0\nexplain environ\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := runBlock(t, tt.block)
			if tt.want == "" {
				if err != nil || !strings.Contains(out, "no app was called for this request") {
					t.Errorf("err %v, out:\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestLayerKeys: what the TUI's keys do to a layer between steps. A
// killed worker shows the kill and the master's word on it, as a kill
// step does; a layer stopped comes back on its port.
func TestLayerKeys(t *testing.T) {
	t.Parallel()
	var out []string
	r, err := New(lessonWith(t, "start prefork workers=1 hooks=none\n"), Options{Out: func(o Output) { out = append(out, o.Text) }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	if err := r.RunStep(ctx, 0); err != nil {
		t.Fatal(err)
	}
	l := r.Stack().Get("prefork")
	addr, worker := l.Addr().String(), l.PIDs()[1]
	out = nil
	if err := r.KillWorker(ctx, "prefork", worker); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out, "\n"); !strings.Contains(got, fmt.Sprintf("kill -9 %d", worker)) || !strings.Contains(got, "Worker with pid ") {
		t.Errorf("K showed:\n%s\nwant the kill and the master's log", got)
	}
	if err := r.StopLayer(ctx, "prefork"); err != nil {
		t.Fatal(err)
	}
	if r.Stack().Get("prefork") != nil {
		t.Fatal("prefork runs after StopLayer")
	}
	if err := r.StopLayer(ctx, "prefork"); err == nil || !strings.Contains(err.Error(), "is not running") {
		t.Errorf("stopping a stopped layer: %v", err)
	}
	if err := r.StartLayer(ctx, "prefork"); err != nil {
		t.Fatal(err)
	}
	if l := r.Stack().Get("prefork"); l == nil || l.Addr().String() != addr {
		t.Errorf("prefork came back on %v, want %s", l, addr)
	}
	if err := r.StartLayer(ctx, "rawsock"); err == nil || !strings.Contains(err.Error(), "has not run") {
		t.Errorf("starting a layer the lesson never started: %v", err)
	}
}
