// Package loopback is the floor the pre-fork server's benchmarks measure
// against: a server that answers each fresh loopback connection at once,
// from a goroutine, with fixed bytes.
package loopback

import "net"

// Serve answers every connection ln accepts with answer, after one read,
// and closes it. It returns when ln is closed.
func Serve(ln net.Listener, answer []byte) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			buf := make([]byte, 4096)
			c.Read(buf)
			c.Write(answer)
		}()
	}
}
