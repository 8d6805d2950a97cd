package proctest

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Children returns the processes whose parent is pid, from the kernel's
// process table (sysctl kern.proc.all).
func Children(pid int) ([]int, error) {
	procs, err := unix.SysctlKinfoProcSlice("kern.proc.all")
	if err != nil {
		return nil, fmt.Errorf("proctest: list processes: %w", err)
	}
	var out []int
	for _, p := range procs {
		if int(p.Eproc.Ppid) == pid {
			out = append(out, int(p.Proc.P_pid))
		}
	}
	return out, nil
}
