//go:build unix && !(linux && !386)

package rawsock

import "syscall"

// The system calls a Conn makes on its socket, made as syscall makes
// them (see sys_raw.go for the systems where they are made raw).

func read(fd int, p []byte) (int, error) {
	n, err := syscall.Read(fd, p)
	return max(n, 0), err
}

func write(fd int, p []byte) (int, error) {
	n, err := syscall.Write(fd, p)
	return max(n, 0), err
}

func closeFD(fd int) error { return syscall.Close(fd) }
