package real

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
)

// outputPipe carries what a real program writes on its standard output
// and standard error to the lab, line by line. The lab keeps a write end
// too, to put marks in: a mark comes out after every line the program
// wrote before it, which is how the lab knows it has read them all.
type outputPipe struct {
	r, w *os.File
	line func(string) // called for each line, from one goroutine
	done chan struct{}

	mu    sync.Mutex
	marks map[string]chan struct{}
	n     int
}

// markPrefix starts the lab's own marks; no program writes a NUL byte.
const markPrefix = "\x00ngw2f-lab-mark "

// newOutputPipe returns a pipe whose lines go to line.
func newOutputPipe(line func(string)) (*outputPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	o := &outputPipe{r: r, w: w, line: line, done: make(chan struct{}), marks: map[string]chan struct{}{}}
	go o.read()
	return o, nil
}

// File is the end to give the program as its output.
func (o *outputPipe) File() *os.File { return o.w }

func (o *outputPipe) read() {
	defer close(o.done)
	s := bufio.NewScanner(o.r)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for s.Scan() {
		text := s.Text()
		if id, ok := strings.CutPrefix(text, markPrefix); ok {
			o.mu.Lock()
			if ch := o.marks[id]; ch != nil {
				close(ch)
				delete(o.marks, id)
			}
			o.mu.Unlock()
			continue
		}
		o.line(text)
	}
}

// Mark returns once every line the program wrote before the call is
// handled, or ctx ends.
func (o *outputPipe) Mark(ctx context.Context) error {
	o.mu.Lock()
	o.n++
	id := fmt.Sprint(o.n)
	ch := make(chan struct{})
	o.marks[id] = ch
	o.mu.Unlock()
	if _, err := o.w.WriteString(markPrefix + id + "\n"); err != nil {
		return err
	}
	select {
	case <-ch:
		return nil
	case <-o.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close closes the lab's write end, once the program is gone, and waits
// for the last lines to be handled.
func (o *outputPipe) Close() {
	o.w.Close()
	<-o.done
	o.r.Close()
}
