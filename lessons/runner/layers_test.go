package runner

import (
	"context"
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
