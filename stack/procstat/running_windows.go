package procstat

import (
	"errors"

	"golang.org/x/sys/windows"
)

// Running reports whether pid exists and has not exited. An exited
// process lives on while anyone holds a handle to it (os.Process does
// until Wait), so the process's handle is asked whether it is signalled,
// which it is once the process ends, rather than for its exit code, which
// a running process shares with one that exited with 259 (STILL_ACTIVE).
// A process this one may not open (access denied) exists all the same.
func Running(pid int) bool {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(pid))
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return true
	}
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	ev, err := windows.WaitForSingleObject(h, 0)
	return err == nil && ev == uint32(windows.WAIT_TIMEOUT)
}
