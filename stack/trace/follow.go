package trace

import (
	"context"
	"time"
)

// Follow adds every event of sub, as it comes, until ctx ends, and then
// returns ctx's error. It reads through one buffer, so following costs no
// allocation per batch of events. Once it has taken all that were
// waiting, it lets events gather for followPause before it reads again,
// as the lab's view takes them once a frame: under load it wakes once for
// hundreds of events rather than about once a request, each wake-up a
// goroutine readied and often a thread woken.
func (a *Assembler) Follow(ctx context.Context, sub *Subscription) error {
	buf := make([]Event, 256)
	pause := time.NewTimer(followPause)
	defer pause.Stop()
	for {
		n, err := sub.Read(ctx, buf)
		if err != nil {
			return err
		}
		for i := range buf[:n] {
			a.addEvent(&buf[i])
		}
		clear(buf[:n]) // the buffer keeps no event's data alive
		if n == len(buf) {
			continue // more are waiting
		}
		pause.Reset(followPause)
		select {
		case <-pause.C:
		case <-ctx.Done(): // take what is left; then Read says ctx ended
		}
	}
}

// followPause is how long Follow lets events gather between reads: short
// beside a frame of the lab's view (a thirtieth of a second), and a few
// hundred events at the most the lab's stack records in it, which the
// Recorder's ring holds many times over.
const followPause = 5 * time.Millisecond
