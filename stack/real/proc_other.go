//go:build !unix

package real

import (
	"context"
	"errors"
)

// errNotUnix is why the real programs do not run here.
var errNotUnix = errors.New("the real programs (nginx, gunicorn, uWSGI) run on Unix: on Windows, run the lab in WSL2 for --real (nginx for Windows exists, gunicorn does not); the lab's own layers run here")

// Supported reports whether the real programs run here: they run on Unix.
func Supported() error { return errNotUnix }

// process is a real program the lab started; none starts here.
type process struct{}

func startProcess(string, command) (*process, error) { return nil, errNotUnix }

func (p *process) PID() int                           { return 0 }
func (p *process) Exited() (bool, string)             { return true, "" }
func (p *process) Signal(string) error                { return errNotUnix }
func (p *process) SignalPID(int, string) error        { return errNotUnix }
func (p *process) Stop(context.Context, string) error { return nil }
func (p *process) Kill()                              {}
