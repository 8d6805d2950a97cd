package prefork

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// TestWorkerClasses sends three slow requests at once to a single worker
// and reads, from the order of the hand-offs it recorded, how many it
// served at once: a sync worker starts the next request only after it has
// answered the last, a thread worker takes all three before answering any.
func TestWorkerClasses(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		overlap int // requests begun before the first answer
		log     string
	}{
		{name: "sync", opts: Options{}, overlap: 1, log: "log: Using worker: sync\n"},
		{name: "thread", opts: Options{WorkerClass: ClassThread, Threads: 3}, overlap: 3,
			log: "log: Using worker: gthread\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := trace.NewRecorder(0, 0)
			sub := rec.Subscribe()
			defer sub.Close()
			opts := tt.opts
			opts.Workers, opts.App, opts.Hooks = 1, "slow:application", []string{}
			s := New(stack.Config{Trace: rec}, opts)
			must(t, s.Start(context.Background()))
			defer s.Close()
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					if got := exchange(t, s.Addr(), "GET /?seconds=0.5 HTTP/1.0\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.0 200 OK") {
						t.Errorf("answer %q", got)
					}
				})
			}
			wg.Wait()
			flush(t, s)
			evs := sub.TryNext(0)
			if text := eventText(evs); !strings.Contains(text, tt.log) {
				t.Errorf("no %q in:\n%s", tt.log, text)
			}
			begun := 0
			for _, e := range evs {
				if e.Kind == trace.KindHandoff && e.Name == "start_response" {
					break
				}
				if e.Kind == trace.KindHandoff && e.Name == "environ" {
					begun++
				}
			}
			if begun != tt.overlap {
				t.Errorf("%d requests begun before the first answer, want %d", begun, tt.overlap)
			}
		})
	}
}
