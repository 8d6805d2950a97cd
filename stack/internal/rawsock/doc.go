// Package rawsock opens, accepts and wraps TCP sockets by their
// descriptors, for the layers that make these system calls themselves
// rather than through package net, to make only the ones the program they
// mirror makes: the proxy's connect to an upstream (as nginx's), a
// pre-fork worker's accept (as gunicorn's).
//
// Every socket it opens or accepts is non-blocking and closes on exec, as
// net's are; Conn waits for it on Go's poller, as net's connections wait,
// but only when it must (see Conn). It exists on Unix only.
package rawsock
