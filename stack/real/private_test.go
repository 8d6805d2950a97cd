package real

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/freeaddr"
	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
)

// TestTakenPrivatePort gives the talk's socket server private ports the
// test holds (as the local end of a connection, which is how another
// program's outgoing connection takes a port the lab found free): Python
// cannot bind one, says its address is in use and exits, and the lab
// starts it again on the next port, where it answers. When every port it
// is given is taken, the start fails and says so.
func TestTakenPrivatePort(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		taken int
		err   string
	}{
		{name: "the first two", taken: 2},
		{name: "every one", taken: privateTries, err: "its private port was taken before it could bind it, 3 times in a row"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			need(t, ProgramPython)
			s, err := NewSocketServer(stack.Config{}, progs)
			if err != nil {
				t.Fatal(err)
			}
			found := 0
			s.ports = func() (string, error) {
				if found++; found <= tt.taken {
					return porttest.Refused(t), nil
				}
				return freeaddr.Loopback()
			}
			if tt.err == "" {
				run(t, s)
				if answer := ask(t, s.Addr(), "GET / HTTP/1.0\r\n\r\n"); !strings.HasSuffix(answer, "Hello, World! (from a raw socket)\n") {
					t.Errorf("answer %q", answer)
				}
			} else {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				err := s.Start(ctx)
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "Address already in use") {
					t.Errorf("start: %v, want the program's words and %q", err, tt.err)
				}
			}
			if want := tt.taken + 1; found != min(want, privateTries) {
				t.Errorf("%d private ports found, want %d", found, min(want, privateTries))
			}
		})
	}
}
