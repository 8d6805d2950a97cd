package procstat

import "golang.org/x/sys/unix"

// szomb is XNU's process state for a zombie (SZOMB in <sys/proc.h>).
const szomb = 5

// zombie reports whether pid has exited and waits for its parent, from
// the process's state in sysctl kern.proc.pid. A process the kernel no
// longer knows counts as one: it no longer runs.
func zombie(pid int) bool {
	p, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil {
		return true
	}
	return p.Proc.P_stat == szomb
}
