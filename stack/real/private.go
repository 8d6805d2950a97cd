package real

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/internal/freeaddr"
)

// privateTries bounds the starts of a program whose private port was
// taken between the lab's finding it free and the program's bind.
const privateTries = 3

// privateCommand finds a free private address for the program, and
// makes its command with build.
func (b *base) privateCommand(build func(private string) (command, error)) (command, error) {
	find := b.ports
	if find == nil {
		find = freeaddr.Loopback
	}
	private, err := find()
	if err != nil {
		return command{}, fmt.Errorf("%s: %w", b.name, err)
	}
	b.private = private
	return build(private)
}

// portTaken reports whether the program said its address was in use,
// once what it wrote so far is read: it has exited then, or is about to
// (gunicorn tries again for five seconds first).
func (b *base) portTaken(ctx context.Context) bool {
	b.out.Mark(ctx)
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.ContainsFunc(b.last, inUse)
}

// inUse reports whether a line of a program's output says the address
// it binds is in use: nginx's, uWSGI's and Python's "Address already in
// use" (the system's words for EADDRINUSE), gunicorn's "Connection in
// use", which it says five times, a second apart, before it gives up.
func inUse(line string) bool {
	return strings.Contains(line, "Address already in use") || strings.Contains(line, "Connection in use")
}

// forget ends the program that could not bind its port, when it has not
// ended yet, and forgets it, its workers and its last words, before it is
// started again.
func (b *base) forget() {
	b.proc.Kill()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.proc, b.workers, b.last = nil, nil, nil
}
