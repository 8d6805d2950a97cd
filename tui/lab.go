package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/progress"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/telnet"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// lab is one lesson being run: its runner, the feed of what happens, and
// the goroutines that carry out steps and actions. Every blocking call goes
// through it as a Cmd; close stops it all.
type lab struct {
	lesson   *lessons.Lesson
	r        *runner.Runner
	feed     *feed
	progress *progress.Store
	version  string
	exportTo string
	ctx      context.Context
	cancel   context.CancelFunc

	closeOnce sync.Once
	closeErr  error

	mu     sync.Mutex
	closed bool
	busy   string // what runs now ("step 2", "restart rawsock"); empty when idle
	wg     sync.WaitGroup
	prompt *telnet.Session

	// gate is the hop-by-hop gate of a lab in a talk, nil elsewhere. Each
	// lab has its own: a lab that closes lets its held requests through,
	// and must not switch the mode off for the next lesson's.
	gate *trace.Gate

	// after, when set, is closed once the lab before this one has
	// stopped: no job runs before, as the layers it starts may need the
	// ports that lab held.
	after <-chan struct{}
}

// Messages the lab's Cmds return.
type (
	stepDoneMsg struct {
		step int
		err  error
	}
	actionDoneMsg struct {
		what string
		err  error
	}
	busyMsg    struct{ what string }
	promptMsg  struct{ session *telnet.Session }
	promptFail struct{ err error }
	// savedMsg says whether the progress was saved.
	savedMsg struct{ err error }
)

func newLab(l *lessons.Lesson, opts Options) (*lab, error) {
	ctx, cancel := context.WithCancel(context.Background())
	b := &lab{lesson: l, progress: opts.Progress, version: opts.Version,
		exportTo: opts.ExportDir, ctx: ctx, cancel: cancel}
	if b.exportTo == "" {
		b.exportTo = "."
	}
	ropts := runner.Options{
		Listen: opts.Listen, TalkPorts: opts.TalkPorts, FrontPort: opts.FrontPort, Host: opts.Host,
		MeasureAtMost: opts.MeasureAtMost, Interactive: true, Out: func(o runner.Output) { b.feed.output(o) },
	}
	if p := opts.Present; p != nil {
		// A talk runs its scripts: a try is described, a drill is sent,
		// each line is typed out where the room can read it. The front
		// layer takes the talk's port or none: on another, the room's
		// own clients would miss it, and the step plays its recording.
		b.gate = trace.NewGate()
		ropts.Interactive, ropts.TypeDelay, ropts.Gate, ropts.StrictFront = false, p.TypeDelay, b.gate, true
	}
	r, err := runner.New(l, ropts)
	if err != nil {
		cancel()
		return nil, err
	}
	b.r = r
	b.feed = newFeed(r.Recorder().Subscribe())
	return b, nil
}

// wrap tags the message cmd returns as this lab's, so that the root drops
// it once the learner has left the lab.
func (b *lab) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		return labMsg{lab: b, msg: msg}
	}
}

// do runs f in a Cmd as the lab's one blocking job, unless another runs or
// the lab is closed.
func (b *lab) do(what string, f func(ctx context.Context) tea.Msg) tea.Cmd {
	return b.wrap(func() tea.Msg {
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return nil
		}
		if b.busy != "" {
			busy := b.busy
			b.mu.Unlock()
			return busyMsg{busy}
		}
		b.busy = what
		b.wg.Add(1)
		b.mu.Unlock()
		defer func() {
			b.mu.Lock()
			b.busy = ""
			b.mu.Unlock()
			b.wg.Done()
		}()
		if b.after != nil {
			select {
			case <-b.after:
			case <-b.ctx.Done():
			}
		}
		return f(b.ctx)
	})
}

// runStep runs step i (0-based) and records the progress.
func (b *lab) runStep(i int) tea.Cmd {
	return b.do(fmt.Sprintf("step %d", i+1), func(ctx context.Context) tea.Msg {
		err := b.r.RunStep(ctx, i)
		if err == nil {
			b.stepDone(i)
		}
		return stepDoneMsg{step: i, err: err}
	})
}

// replayed records in the progress step i, played from its recording.
func (b *lab) replayed(i int) tea.Cmd {
	if b.progress == nil {
		return nil
	}
	return b.wrap(func() tea.Msg {
		b.stepDone(i)
		return nil
	})
}

// stepDone records in the progress that step i is done. It runs in a
// Cmd: the file is written there, never in Update.
func (b *lab) stepDone(i int) {
	if b.progress == nil {
		return
	}
	if err := b.progress.StepDone(b.lesson.ID(), i+1, len(b.lesson.Steps)); err != nil {
		b.feed.output(runner.Output{Kind: runner.OutInfo, Text: "progress not saved: " + err.Error()})
	}
}

// solved returns the Cmd that records in the progress the challenges
// solved, by ID.
func (b *lab) solved(ids []string) tea.Cmd {
	if b.progress == nil || len(ids) == 0 {
		return nil
	}
	return b.wrap(func() tea.Msg {
		for _, id := range ids {
			if err := b.progress.Solved(b.lesson.ID(), id); err != nil {
				return savedMsg{err}
			}
		}
		return nil
	})
}

// restart stops and starts the layer named name again.
func (b *lab) restart(name string) tea.Cmd {
	return b.layerJob("restart "+name, func(ctx context.Context) error { return b.r.Restart(ctx, name) })
}

// stopLayer stops the layer named name, as the lesson's stop does.
func (b *lab) stopLayer(name string) tea.Cmd {
	return b.layerJob("stop "+name, func(ctx context.Context) error { return b.r.StopLayer(ctx, name) })
}

// startLayer starts the layer named name again.
func (b *lab) startLayer(name string) tea.Cmd {
	return b.layerJob("start "+name, func(ctx context.Context) error { return b.r.StartLayer(ctx, name) })
}

// kill kills a worker process of a layer, as kill -9 does, through the
// layer, which holds its processes: a PID from the screen that is no
// longer one of its workers is left alone.
func (b *lab) kill(layer string, pid int) tea.Cmd {
	return b.layerJob(fmt.Sprintf("kill %s worker %d", layer, pid), func(ctx context.Context) error {
		return b.r.KillWorker(ctx, layer, pid)
	})
}

// layerJob runs f, an action on a layer, as the lab's one blocking job,
// within five seconds.
func (b *lab) layerJob(what string, f func(ctx context.Context) error) tea.Cmd {
	return b.do(what, func(ctx context.Context) tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return actionDoneMsg{what: what, err: f(ctx)}
	})
}

// dial opens the telnet prompt's connection to addr.
func (b *lab) dial(addr string) tea.Cmd {
	return b.wrap(func() tea.Msg {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		s, err := telnet.Dial(ctx, "localhost", addr, b.feed)
		if err != nil {
			return promptFail{err}
		}
		b.mu.Lock()
		old, closed := b.prompt, b.closed
		b.prompt = s
		b.mu.Unlock()
		if old != nil {
			old.Close()
		}
		if closed {
			s.Close()
			return nil
		}
		go func() {
			<-s.Done()
			b.feed.promptEnded()
		}()
		return promptMsg{s}
	})
}

// notSentMsg says the prompt's connection closed before lines went out:
// telnet would have exited, and the lab says so rather than drop them.
type notSentMsg struct{ lines []string }

// sendLine types lines on the prompt's connection, pausing between them as
// a person would, so that an answer that comes early shows before the next
// line. The empty line that ends a request's head goes out with the lines
// after it, its body, in one write: a server may answer the head before a
// person could type the body, and a ready-made request sends it whole.
// Once the server has closed, the lines left are not typed, and the Cmd
// says which.
func sendLine(s *telnet.Session, lines ...string) tea.Cmd {
	return func() tea.Msg {
		for i, l := range lines {
			if i > 0 {
				time.Sleep(typingPause)
			}
			if ended, _ := s.Ended(); ended {
				return notSentMsg{lines[i:]}
			}
			body := l == "" && i < len(lines)-1
			var err error
			if body {
				err = s.Send([]byte(strings.Join(lines[i:], "\r\n") + "\r\n"))
			} else {
				err = s.SendLine(l)
			}
			if err != nil {
				if ended, _ := s.Ended(); ended {
					return notSentMsg{lines[i:]}
				}
				return promptFail{err}
			}
			if body {
				return nil
			}
		}
		return nil
	}
}

// sendBytes sends a ready-made request's bytes in one write.
func sendBytes(s *telnet.Session, data []byte) tea.Cmd {
	return func() tea.Msg {
		if err := s.Send(data); err != nil {
			if ended, _ := s.Ended(); !ended {
				return promptFail{err}
			}
		}
		return nil
	}
}

// typingPause is the pause between the lines of a ready-made request.
const typingPause = 50 * time.Millisecond

// closePrompt closes the prompt's connection, as telnet's close.
func closePrompt(s *telnet.Session) tea.Cmd {
	return func() tea.Msg {
		s.Close()
		return nil
	}
}

// close stops the lab: its jobs, its telnet prompt, its layers. A close
// that comes while another runs waits for that one and returns what it
// returned, so that whoever closes last knows every layer has stopped.
func (b *lab) close() error {
	b.closeOnce.Do(func() { b.closeErr = b.stop() })
	return b.closeErr
}

// stop does close's work, once.
func (b *lab) stop() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
	b.mu.Lock()
	p := b.prompt
	b.mu.Unlock()
	var errs []error
	if p != nil {
		errs = append(errs, p.Close())
	}
	errs = append(errs, b.r.Close())
	b.feed.close()
	return errors.Join(errs...)
}
