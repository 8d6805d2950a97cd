//go:build unix

package prefork

import (
	"bytes"
	"io"
	"os"
	"syscall"
	"testing"
)

// TestFramePipe writes through a framePipe more than a pipe holds, read
// slowly at the other end: what the pipe does not take at once is written
// once there is room, whole and in order, and the pipe is non-blocking,
// so that no write blocks the worker's thread unknown to the scheduler.
func TestFramePipe(t *testing.T) {
	var fds [2]int
	syscall.ForkLock.RLock()
	err := syscall.Pipe(fds[:])
	if err == nil {
		syscall.CloseOnExec(fds[0])
		syscall.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	r := os.NewFile(uintptr(fds[0]), "r")
	defer r.Close()
	w := openFramePipe(uintptr(fds[1]))
	fp, ok := w.(*framePipe)
	if !ok {
		t.Fatalf("openFramePipe made a %T, want a *framePipe", w)
	}
	defer fp.f.Close()
	got := make(chan []byte)
	go func() {
		var buf bytes.Buffer
		io.Copy(&buf, io.LimitReader(r, 1<<20))
		got <- buf.Bytes()
	}()
	want := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	if n, err := fp.Write(want); n != len(want) || err != nil {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(want))
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Errorf("read %d bytes, not the %d written", len(b), len(want))
	}
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fds[1]), syscall.F_GETFL, 0)
	if errno != 0 || flags&syscall.O_NONBLOCK == 0 {
		t.Errorf("file status flags %#x, %v: want O_NONBLOCK", flags, errno)
	}
}
