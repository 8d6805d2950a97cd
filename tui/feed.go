package tui

import (
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// frameInterval is the shortest time between two redraws caused by outside
// events: at most 30 a second, however fast traffic flows.
const frameInterval = time.Second / 30

// maxScreen bounds what the feed keeps of the telnet prompt's screen
// between two frames.
const maxScreen = 64 << 10

// feed gathers what happens outside the TUI (tap events, the runner's
// outputs, the telnet prompt's screen) and hands it over in one message a
// frame. Producers call its methods from any goroutine; one Cmd at a time
// waits on it.
type feed struct {
	sub  *trace.Subscription
	wake chan struct{}
	done chan struct{}
	once sync.Once
	last time.Time // when the last message was handed over; touched by the waiting Cmd only

	mu      sync.Mutex
	outputs []runner.Output
	screen  []byte
	ended   bool // the prompt's connection ended since the last frame
}

// feedMsg is one frame's worth of outside events.
type feedMsg struct {
	events  []trace.Event
	missed  uint64 // events the ring dropped before the TUI read them, in all
	outputs []runner.Output
	screen  []byte
	ended   bool
}

func newFeed(sub *trace.Subscription) *feed {
	return &feed{sub: sub, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

func (f *feed) signal() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// output is a runner's Out.
func (f *feed) output(o runner.Output) {
	f.mu.Lock()
	f.outputs = append(f.outputs, o)
	f.mu.Unlock()
	f.signal()
}

// Write takes what the telnet prompt's session shows.
func (f *feed) Write(p []byte) (int, error) {
	f.mu.Lock()
	f.screen = append(f.screen, p...)
	if n := len(f.screen); n > maxScreen {
		f.screen = append(f.screen[:0], f.screen[n-maxScreen:]...)
	}
	f.mu.Unlock()
	f.signal()
	return len(p), nil
}

// promptEnded says the prompt's connection ended.
func (f *feed) promptEnded() {
	f.mu.Lock()
	f.ended = true
	f.mu.Unlock()
	f.signal()
}

// close stops the waiting Cmd and the subscription.
func (f *feed) close() {
	f.once.Do(func() {
		close(f.done)
		f.sub.Close()
	})
}

// next returns a Cmd that waits until something happened, no sooner than
// a frame after the last message, and returns it all as one feedMsg. It
// returns nil once the feed is closed.
func (f *feed) next() tea.Cmd {
	return func() tea.Msg {
		if d := frameInterval - time.Since(f.last); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-f.done:
				t.Stop()
				return nil
			}
		}
		for {
			if m, ok := f.drain(); ok {
				f.last = time.Now()
				return m
			}
			select {
			case <-f.sub.Wait():
			case <-f.wake:
			case <-f.done:
				return nil
			}
		}
	}
}

// drain takes everything waiting.
func (f *feed) drain() (feedMsg, bool) {
	m := feedMsg{events: f.sub.TryNext(0), missed: f.sub.Missed()}
	f.mu.Lock()
	m.outputs, f.outputs = f.outputs, nil
	m.screen, f.screen = f.screen, nil
	m.ended, f.ended = f.ended, false
	f.mu.Unlock()
	return m, len(m.events) > 0 || len(m.outputs) > 0 || len(m.screen) > 0 || m.ended
}
