package runner

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// trickleRequest is what a slow client sends, one byte at a time.
const trickleRequest = "GET / HTTP/1.0\r\n\r\n"

// trickleGap is the time between two of a slow client's bytes, and
// between the arrivals of two slow clients.
const trickleGap = 100 * time.Millisecond

// trickling is the slow clients a trickle action started.
type trickling struct {
	n          int // how many
	unanswered atomic.Int32
	cancel     context.CancelFunc
	wg         sync.WaitGroup
}

// trickle starts n slow clients against a running layer, one every
// trickleGap, as they arrive on a real site: not in one batch but one
// after another, so that a new one is always still talking. Each sends
// its request one byte every trickleGap, as a client on a bad mobile
// connection would, then reads the answer. trickle returns once the last
// has connected; they run until they are done or the step ends.
func (r *Runner) trickle(ctx context.Context, name string, n int) error {
	l, err := r.runningLayer(ctx, "trickle", name)
	if err != nil {
		return err
	}
	r.stopTrickle()
	tctx, cancel := context.WithCancel(context.Background())
	t := &trickling{n: n, cancel: cancel}
	addr := l.Addr().String()
	connected := make(chan error, 1)
	for i := range n {
		err := ctx.Err()
		if i > 0 {
			err = sleep(ctx, trickleGap)
		}
		if err == nil {
			t.wg.Go(func() { slowClient(tctx, addr, &t.unanswered, connected) })
			err = <-connected
		}
		if err != nil {
			cancel()
			t.wg.Wait()
			return fmt.Errorf("trickle %s: %w", name, err)
		}
	}
	r.trickling = t
	r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("%d slow clients connected to %s, one every %s: each sends %q one byte every %s (%s in all), then reads the answer",
		n, name, trickleGap, trickleRequest, trickleGap, time.Duration(len(trickleRequest))*trickleGap)})
	return nil
}

// sleep waits for d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// slowClient is one slow client; it reports on connected once it has
// connected and sent its first byte, and counts itself in unanswered
// from then until its answer has come.
func slowClient(ctx context.Context, addr string, unanswered *atomic.Int32, connected chan<- error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		connected <- err
		return
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	for i := range len(trickleRequest) {
		if _, err := c.Write([]byte{trickleRequest[i]}); err != nil {
			if i == 0 {
				connected <- err
			}
			return
		}
		if i == 0 {
			unanswered.Add(1)
			defer unanswered.Add(-1)
			connected <- nil
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(trickleGap):
		}
	}
	io.Copy(io.Discard, c)
}

// stopTrickle ends the slow clients of a trickle action, if any.
func (r *Runner) stopTrickle() {
	if r.trickling == nil {
		return
	}
	r.trickling.cancel()
	r.trickling.wg.Wait()
	r.trickling = nil
	r.passOver(context.Background())
}
