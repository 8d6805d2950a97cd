//go:build dragonfly || freebsd || netbsd || openbsd || (linux && 386)

package rawsock

import "syscall"

func accept4(fd, flags int) (int, syscall.Sockaddr, error) { return syscall.Accept4(fd, flags) }

func socket(domain, typ, proto int) (int, error) { return syscall.Socket(domain, typ, proto) }
