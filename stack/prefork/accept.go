package prefork

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// acceptWait bounds each wait a worker makes for a connection on the
// shared socket, so that an idle worker looks up regularly: to tell the
// master it is alive, and to see whether it was asked to stop.
const acceptWait = 200 * time.Millisecond

// errIdle is an accept that timed out: no client came.
var errIdle = errors.New("prefork: no connection within the accept wait")

// accept waits at most acceptWait for a connection on the socket every
// worker shares.
//
// The master hands each worker a duplicate of its listening socket (see
// handOff), still in non-blocking mode; the worker waits for clients on
// Go's poller, as any Go server does, with a deadline of acceptWait on
// each wait, as gunicorn's sync worker waits in select with a timeout. A
// closed acceptor wakes a waiting accept at once, so a worker told to
// stop stops accepting without delay. Every worker waits on the same
// socket: a client wakes them all, one takes it, and the others wait
// again. newAcceptor, acceptFrom and close are in accept_unix.go:
// Windows runs no worker.
func (a *acceptor) accept() (net.Conn, error) {
	c, err := a.acceptFrom(time.Now().Add(acceptWait))
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, net.ErrClosed):
		// No client came, or stop closed the listener: either way the
		// worker looks up, and sees whether it is stopping.
		return nil, errIdle
	case err != nil:
		return nil, fmt.Errorf("prefork: accept: %w", err)
	}
	return c, nil
}
