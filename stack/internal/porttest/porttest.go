// Package porttest gives tests the loopback ports they need without
// depending on what else runs on the machine, the tests beside them
// included: a port is held by the test for as long as it must stay what
// the test says it is.
//
// A port found free by listening on port 0 and closing the listener is
// not the test's: between the close and a later bind, another test (go
// test runs packages in parallel) may listen on it, or connect from it.
// Tests that start the lab's own layers let them listen on port 0 and
// read the address back; tests that start another program hand it an
// open listening socket where it takes one (Listener), or retry when it
// finds its port in use.
package porttest

import (
	"net"
	"os"
	"testing"
)

// Refused returns a loopback address where connections are refused for
// the rest of the test: a dead upstream, a closed port.
//
// Nothing listens there, and nothing else can: the port is the local end
// of a connection the test keeps open until it ends. A listener cannot
// bind a port a connection holds, and the system does not hand it out
// for port 0, so the address stays refused as long as the test runs.
func Refused(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		s.Close()
	})
	return c.LocalAddr().String()
}

// Listener returns a listening socket on a loopback port, as a file to
// hand to another program (exec.Cmd's ExtraFiles), and its address. The
// test's own copy is closed when the test ends; the caller may close the
// file once the program has started.
func Listener(t testing.TB) (*os.File, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, ln.Addr().String()
}
