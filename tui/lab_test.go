package tui

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"
)

// TestCloseWaitsForAnotherClose closes one lab from two goroutines at once,
// as a learner leaving a lesson while the program quits does: neither
// close returns before the lab's layer has stopped listening.
func TestCloseWaitsForAnotherClose(t *testing.T) {
	t.Parallel()
	b, err := newLab(lesson1(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.r.RunStep(ctx, 0); err != nil {
		b.close()
		t.Fatal(err)
	}
	addr := b.r.Stack().Get("rawsock").Addr().String()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.close()
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				t.Errorf("a close returned while rawsock still listened on %s", addr)
			}
		}()
	}
	wg.Wait()
}
