package child

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
)

// LifelineEnv is the variable that tells a child which inherited file is
// its lifeline (Tether).
const LifelineEnv = "NGW2F_LIFELINE_5RK2Q"

// Orphaned is the exit status of a child whose lab went away.
const Orphaned = 4

// A Lifeline ties a child's life to this process's: a pipe whose reading
// end the child inherits and whose writing end only this process holds.
// However this process ends, kill -9 included, the system closes that
// end, the child reads end-of-file, and Run makes it exit at once. It
// works the same on every system, where Linux's parent-death signal alone
// would not (it does not exist on macOS or Windows, and in Go it follows
// the thread that started the child, not the process).
type Lifeline struct {
	r, w *os.File
}

// Tether gives cmd, which is about to start a child, a lifeline. Close it
// once the child has ended.
func Tether(cmd *exec.Cmd) (*Lifeline, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("child: a lifeline: %w", err)
	}
	id, err := inherit(cmd, r)
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("child: a lifeline: %w", err)
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, LifelineEnv+"="+id)
	return &Lifeline{r: r, w: w}, nil
}

// Close lets go of both ends of the pipe. A child still running then
// reads end-of-file and exits.
func (l *Lifeline) Close() error {
	l.r.Close()
	return l.w.Close()
}

// holdLifeline watches the lifeline this process was started with, if
// any, and exits with Orphaned when the process that started it is gone.
// The variable is removed, so that what this child starts is not tied to
// its lab twice.
func holdLifeline() {
	id, ok := os.LookupEnv(LifelineEnv)
	os.Unsetenv(LifelineEnv)
	if !ok {
		return
	}
	h, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ngw2f-lab: %s=%q names no file\n", LifelineEnv, id)
		return
	}
	f := os.NewFile(uintptr(h), "lifeline")
	go func() {
		io.Copy(io.Discard, f) // nothing is ever written: this returns when the lab is gone
		os.Exit(Orphaned)
	}()
}
