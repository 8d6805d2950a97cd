package child

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// inherit makes the child started by cmd inherit f, and returns its
// handle's value, which stays the same in the child. Windows passes no
// numbered descriptors beyond the standard three: the handle is marked
// inheritable and listed for the child, which then inherits it and no
// other (os/exec gives CreateProcess the list).
func inherit(cmd *exec.Cmd, f *os.File) (string, error) {
	h := syscall.Handle(f.Fd())
	if err := syscall.SetHandleInformation(h, syscall.HANDLE_FLAG_INHERIT, syscall.HANDLE_FLAG_INHERIT); err != nil {
		return "", err
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.AdditionalInheritedHandles = append(cmd.SysProcAttr.AdditionalInheritedHandles, h)
	return strconv.FormatUint(uint64(h), 10), nil
}
