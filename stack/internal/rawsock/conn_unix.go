//go:build unix

package rawsock

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// Conn is a TCP connection on a socket the caller opened or accepted
// itself: an *os.File on its descriptor, which Go's poller serves as it
// serves net's connections, and the addresses net.Conn tells. Its errors
// read as net's do.
type Conn struct {
	f            *os.File
	laddr, raddr *net.TCPAddr
}

// NewConn returns the connection on f, a non-blocking TCP socket, whose
// addresses are laddr and raddr. Closing the connection closes f.
func NewConn(f *os.File, laddr, raddr *net.TCPAddr) *Conn {
	return &Conn{f: f, laddr: laddr, raddr: raddr}
}

func (c *Conn) Read(b []byte) (int, error) {
	n, err := c.f.Read(b)
	return n, c.opError("read", err)
}

func (c *Conn) Write(b []byte) (int, error) {
	n, err := c.f.Write(b)
	return n, c.opError("write", err)
}

func (c *Conn) Close() error { return c.opError("close", c.f.Close()) }

// CloseWrite shuts down the writing side of the connection, as
// net.TCPConn's does.
func (c *Conn) CloseWrite() error {
	rc, err := c.f.SyscallConn()
	if err != nil {
		return c.opError("close", err)
	}
	var shutErr error
	if err := rc.Control(func(fd uintptr) {
		shutErr = syscall.Shutdown(int(fd), syscall.SHUT_WR)
	}); err != nil {
		return c.opError("close", err)
	}
	return c.opError("close", shutErr)
}

func (c *Conn) LocalAddr() net.Addr  { return c.laddr }
func (c *Conn) RemoteAddr() net.Addr { return c.raddr }

func (c *Conn) SetDeadline(t time.Time) error {
	return c.opError("set", c.f.SetDeadline(t))
}

func (c *Conn) SetReadDeadline(t time.Time) error {
	return c.opError("set", c.f.SetReadDeadline(t))
}

func (c *Conn) SetWriteDeadline(t time.Time) error {
	return c.opError("set", c.f.SetWriteDeadline(t))
}

// opError words err, from c's file, as net's connections do: an
// *net.OpError around the system call's error, net.ErrClosed once the
// connection is closed, io.EOF as it is.
func (c *Conn) opError(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errno, ok := err.(syscall.Errno); ok {
		err = os.NewSyscallError(op, errno)
	}
	if errors.Is(err, os.ErrClosed) {
		err = net.ErrClosed
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.laddr, Addr: c.raddr, Err: err}
}

// TCPAddr returns the TCP address of sa, or nil when sa is no IP address.
func TCPAddr(sa syscall.Sockaddr) *net.TCPAddr {
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		return &net.TCPAddr{IP: sa.Addr[:], Port: sa.Port}
	case *syscall.SockaddrInet6:
		return &net.TCPAddr{IP: sa.Addr[:], Port: sa.Port}
	}
	return nil
}
