//go:build dragonfly || freebsd || linux || netbsd || openbsd

package proxy

import "syscall"

// socket opens a non-blocking TCP socket of family that closes on exec,
// in one system call, as net does on these systems.
func socket(family int) (int, error) {
	return syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, syscall.IPPROTO_TCP)
}
