//go:build unix && !(dragonfly || freebsd || linux || netbsd || openbsd)

package proxy

import "syscall"

// socket opens a non-blocking TCP socket of family that closes on exec.
// socket(2) takes no such flags here (macOS among others), so the fork
// lock keeps a process started meanwhile from inheriting the socket
// before it is marked close-on-exec, as net does on these systems.
func socket(family int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM, syscall.IPPROTO_TCP)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}
