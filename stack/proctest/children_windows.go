package proctest

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Children returns the processes whose parent is pid, from a snapshot of
// the process list. Windows keeps the parent's id as it was at creation,
// so a process whose parent has ended still counts as its child.
func Children(pid int) ([]int, error) {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return nil, fmt.Errorf("proctest: list processes: %w", err)
	}
	defer windows.CloseHandle(snap)
	var out []int
	e := windows.ProcessEntry32{Size: uint32(unsafe.Sizeof(windows.ProcessEntry32{}))}
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		if int(e.ParentProcessID) == pid {
			out = append(out, int(e.ProcessID))
		}
	}
	if !errors.Is(err, windows.ERROR_NO_MORE_FILES) {
		return nil, fmt.Errorf("proctest: list processes: %w", err)
	}
	return out, nil
}
