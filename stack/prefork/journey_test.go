package prefork

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// TestJourneyCrossesTheProcessBoundary checks that what a worker process
// records reaches the lab's recorder and assembles into one journey: the
// bytes from the client, the hand-offs to the app and back, the answer.
func TestJourneyCrossesTheProcessBoundary(t *testing.T) {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	s := New(stack.Config{Trace: rec}, Options{App: "stream:application", Workers: 1, Hooks: []string{"pre_request"}})
	must(t, s.Start(context.Background()))
	defer s.Close()
	worker := s.PIDs()[1]
	exchange(t, s.Addr(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	flush(t, s)
	asm := trace.NewAssembler(0)
	for _, e := range sub.TryNext(0) {
		asm.Add(e)
	}
	js := asm.Journeys()
	if len(js) != 1 {
		t.Fatalf("%d journeys, want 1", len(js))
	}
	var hops []string
	for _, h := range js[0].Hops() {
		what := h.Kind.String()
		if h.Kind == trace.KindHandoff {
			what = h.Name
		}
		arrow := "->"
		if h.Dir == trace.Up {
			arrow = "<-"
		}
		hops = append(hops, fmt.Sprintf("%s%s%s:%s", h.From, arrow, h.To, what))
		if h.Events[0].PID != worker {
			t.Errorf("hop %s recorded by pid %d, want the worker %d", what, h.Events[0].PID, worker)
		}
	}
	want := "client->prefork:bytes prefork->gateway:environ prefork<-gateway:start_response " +
		"prefork<-gateway:chunk client<-prefork:bytes prefork<-gateway:chunk prefork<-gateway:chunk client<-prefork:bytes " +
		"prefork<-gateway:chunk client<-prefork:bytes prefork<-gateway:close client<-prefork:close"
	if got := strings.Join(hops, " "); got != want {
		t.Errorf("hops:\n got %s\nwant %s", got, want)
	}
	if logs := js[0].Logs(); len(logs) != 1 || !strings.HasPrefix(string(logs[0].Data), "pre_request (worker, pid") {
		t.Errorf("journey logs %v", logs)
	}
}
