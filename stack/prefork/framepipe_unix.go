//go:build unix

package prefork

import (
	"io"
	"os"
	"syscall"

	"github.com/ngw2f/ngw2f-lab/stack/internal/rawsock"
)

// framePipe is a worker's end of the events pipe, made non-blocking: its
// writes are raw system calls (rawsock.Write) while the pipe takes them,
// and it waits on Go's poller for room when it does not. Through an
// os.File, each write would tell the scheduler of itself, which wakes the
// runtime's monitor thread from its deep sleep (sysmon, see
// rawsock/sys_raw.go); it then wakes every 20 µs for a while, which cost
// an idle worker some 6% of its CPU, at a flush of its events about
// every other request. The master's end is its own.
type framePipe struct {
	f  *os.File
	rc syscall.RawConn
}

// openFramePipe makes fd, the worker's end of the events pipe, a
// framePipe; a descriptor that cannot be one is written through an
// os.File.
func openFramePipe(fd uintptr) io.Writer {
	if err := syscall.SetNonblock(int(fd), true); err != nil {
		return os.NewFile(fd, "events")
	}
	f := os.NewFile(fd, "events") // non-blocking: on Go's poller
	rc, err := f.SyscallConn()
	if err != nil {
		return f
	}
	return &framePipe{f: f, rc: rc}
}

// Write writes b whole, or fails as os.File's Write would.
func (p *framePipe) Write(b []byte) (int, error) {
	n := 0
	var werr error
	err := p.rc.Write(func(fd uintptr) bool {
		for n < len(b) {
			m, err := rawsock.Write(int(fd), b[n:])
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
				return false // the pipe is full: wait for room
			case err != nil:
				werr = err
				return true
			}
			n += m
		}
		return true
	})
	if err == nil && werr != nil {
		err = &os.PathError{Op: "write", Path: p.f.Name(), Err: werr}
	}
	return n, err
}
