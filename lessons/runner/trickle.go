package runner

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// trickleRequest is what a slow client sends, one byte at a time.
const trickleRequest = "GET / HTTP/1.0\r\n\r\n"

// trickleGap is the time between two of a slow client's bytes.
const trickleGap = 100 * time.Millisecond

// trickling is the slow clients a trickle action started.
type trickling struct {
	n      int // how many
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// trickle starts n slow clients against a running layer: each connects
// and sends its request one byte every trickleGap, as a client on a bad
// mobile connection would, then reads the answer. They run until they are
// done or the step ends.
func (r *Runner) trickle(ctx context.Context, name string, n int) error {
	l, err := r.runningLayer(ctx, "trickle", name)
	if err != nil {
		return err
	}
	r.stopTrickle()
	tctx, cancel := context.WithCancel(context.Background())
	t := &trickling{n: n, cancel: cancel}
	addr := l.Addr().String()
	connected := make(chan error, n)
	for range n {
		t.wg.Go(func() { slowClient(tctx, addr, connected) })
	}
	for range n {
		if err := <-connected; err != nil {
			cancel()
			t.wg.Wait()
			return fmt.Errorf("trickle %s: %w", name, err)
		}
	}
	r.trickling = t
	r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("%d slow clients connected to %s: each sends %q one byte every %s (%s in all), then reads the answer",
		n, name, trickleRequest, trickleGap, time.Duration(len(trickleRequest))*trickleGap)})
	return nil
}

// slowClient is one slow client; it reports on connected once it has
// connected and sent its first byte.
func slowClient(ctx context.Context, addr string, connected chan<- error) {
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
