package stack

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Stack is the layers of one lesson, started one at a time and stopped in
// reverse order. It is safe for concurrent use.
type Stack struct {
	mu     sync.Mutex
	layers []Layer
}

// Start starts l and adds it to the stack. A layer whose name is already
// running is an error.
func (s *Stack) Start(ctx context.Context, l Layer) error {
	if s.Get(l.Name()) != nil {
		return fmt.Errorf("stack: %s is already running", l.Name())
	}
	if err := l.Start(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	s.layers = append(s.layers, l)
	s.mu.Unlock()
	return nil
}

// Get returns the running layer named name, or nil.
func (s *Stack) Get(name string) Layer {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.layers {
		if l.Name() == name {
			return l
		}
	}
	return nil
}

// Layers returns the running layers in the order they started.
func (s *Stack) Layers() []Layer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Layer(nil), s.layers...)
}

// Stop shuts the layer named name down, waiting for ctx at most, and
// removes it from the stack.
func (s *Stack) Stop(ctx context.Context, name string) error {
	s.mu.Lock()
	var l Layer
	for i, x := range s.layers {
		if x.Name() == name {
			l = x
			s.layers = append(s.layers[:i], s.layers[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	if l == nil {
		return fmt.Errorf("stack: %s is not running", name)
	}
	return stop(ctx, l)
}

// StopAll stops every layer, the last started first, and returns the
// errors joined. Each layer gets until ctx ends to finish gracefully and is
// then closed.
func (s *Stack) StopAll(ctx context.Context) error {
	s.mu.Lock()
	layers := s.layers
	s.layers = nil
	s.mu.Unlock()
	var errs []error
	for i := len(layers) - 1; i >= 0; i-- {
		errs = append(errs, stop(ctx, layers[i]))
	}
	return errors.Join(errs...)
}

// stop shuts l down gracefully, and closes it at once if that does not
// finish before ctx ends.
func stop(ctx context.Context, l Layer) error {
	if err := l.Shutdown(ctx); err != nil {
		return l.Close()
	}
	return nil
}
