package tui

import (
	"context"
	"errors"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/progress"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/tui/common"
	"github.com/ngw2f/ngw2f-lab/tui/remote"
)

// Options configure the TUI.
type Options struct {
	// Lessons are the lessons the list shows.
	Lessons []*lessons.Lesson
	// Lesson, when set, opens at once instead of the list.
	Lesson *lessons.Lesson
	// LessonErr, when set, is why the lesson asked for cannot be opened
	// (a malformed lesson file): the TUI opens on it, with what to do.
	LessonErr error
	// Listen, TalkPorts, FrontPort, MeasureAtMost and Host are the
	// runner's options. A lesson that does not run live on Host plays its
	// recorded run, marked REPLAY.
	Listen        string
	TalkPorts     bool
	FrontPort     int
	MeasureAtMost int
	Host          *runner.Host
	// Theme is the colour theme; NoColor leaves colours out (NO_COLOR).
	Theme   common.Theme
	NoColor bool
	// Progress remembers how far the learner got; nil remembers nothing.
	Progress *progress.Store
	// ProgressWarning is shown on the lesson list: the progress file
	// could not be read and was set aside.
	ProgressWarning error
	// Version is the lab's version, written into exports.
	Version string
	// ExportDir is where E writes its exports; empty means the working
	// directory.
	ExportDir string
	// Present, when set, runs lessons as a talk instead of opening the
	// list (ngw2f-lab present).
	Present *Presentation
}

// Presentation runs lessons as one talk.
type Presentation struct {
	// From and To are the first and last lesson numbers; zero means the
	// first and the last written lesson.
	From, To int
	// Socket is where ngw2f-lab notes, next and prev connect; empty means
	// none.
	Socket string
	// TypeDelay is the pause between the characters of a scripted line;
	// zero means 35 milliseconds.
	TypeDelay time.Duration
}

// Run runs the TUI until the learner quits or ctx ends, then stops every
// layer any lesson started. The terminal is restored whatever happens.
func Run(ctx context.Context, opts Options, programOpts ...tea.ProgramOption) error {
	labs := &labSet{}
	var server *remote.Server
	if opts.Present != nil && opts.Present.Socket != "" {
		var err error
		if server, err = remote.Listen(opts.Present.Socket); err != nil {
			return err
		}
		defer server.Close()
	}
	p := tea.NewProgram(newModelWith(opts, labs, server), append([]tea.ProgramOption{tea.WithContext(ctx)}, programOpts...)...)
	_, err := p.Run()
	cerr := labs.closeAll()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil // stopped from outside (a signal): not a failure of the lab
	}
	return errors.Join(err, cerr)
}

// labSet is every lab opened in this run, so that none is left running.
type labSet struct {
	mu      sync.Mutex
	open    []*lab
	stopped chan struct{} // closed by closeAll: Cmds still waiting give up
}

// done returns a channel closed once the run is over.
func (s *labSet) done() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped == nil {
		s.stopped = make(chan struct{})
	}
	return s.stopped
}

func (s *labSet) add(b *lab) {
	s.mu.Lock()
	s.open = append(s.open, b)
	s.mu.Unlock()
}

// close stops one lab and forgets it.
func (s *labSet) close(b *lab) error {
	err := b.close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.open {
		if x == b {
			s.open = append(s.open[:i], s.open[i+1:]...)
			break
		}
	}
	return err
}

// retire stops b in the background and returns a channel closed once it
// has stopped: the lab opened after it waits for that before its first
// step, so that the ports b's layers held are free again.
func (s *labSet) retire(b *lab) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.close(b)
	}()
	return done
}

// closeAll stops every lab still open.
func (s *labSet) closeAll() error {
	done := s.done()
	s.mu.Lock()
	open := s.open
	s.open = nil
	select {
	case <-done:
	default:
		close(s.stopped)
	}
	s.mu.Unlock()
	var errs []error
	for _, b := range open {
		errs = append(errs, b.close())
	}
	return errors.Join(errs...)
}
