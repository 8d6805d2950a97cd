// Package rawsock is the dozen-line socket server from the talk's world,
// written out in Go: listen, accept one connection, read from it once,
// print what arrived, send a fixed answer, close, and wait for the next.
//
// It is deliberately naive, and lesson 1 shows what that costs: it answers
// the same to any bytes at all; it reads once, so a request longer than one
// read is cut; its answer has no Content-Length, so the client only knows
// the body ended because the connection closed; its answer even ends its
// lines with a bare LF, as the Python original's triple-quoted string does;
// and it serves one connection at a time, so a client that connects and says
// nothing holds up everyone behind it.
package rawsock

import (
	"fmt"
	"net"

	"github.com/ngw2f/ngw2f-lab/stack"
)

// Kind is the layer's name when its Config gives none.
const Kind = "rawsock"

// ReadSize is how many bytes the server asks for in its one read, as the
// Python original's recv(1024).
const ReadSize = 1024

// Response is the fixed answer, byte for byte: a status line, an empty line
// and a body, each ended by a bare LF, with no header at all.
const Response = "HTTP/1.1 200 OK\n\nHello, World! (from a raw socket)\n"

// Server is the raw socket server.
type Server struct {
	*stack.Serial
}

// New returns a Server that will listen on cfg.Addr once started.
func New(cfg stack.Config) *Server {
	s := &Server{}
	s.Serial = stack.NewSerial(cfg, Kind, s.handle)
	return s
}

// handle is the whole of the server's idea of HTTP.
func (s *Server) handle(c net.Conn) {
	defer c.Close()
	buf := make([]byte, ReadSize)
	n, _ := c.Read(buf)
	s.Tap().Log(c, "print", fmt.Sprintf("received %d bytes in one read of at most %d", n, ReadSize))
	c.Write([]byte(Response))
}
