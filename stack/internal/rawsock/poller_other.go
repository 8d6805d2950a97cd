//go:build unix && !linux

package rawsock

// Poller would wait for the sockets of many direct Conns at once on a
// poller of its own, as it does on Linux (poller_linux.go); here there is
// none, and a caller that has a nil Poller puts its sockets on Go's
// poller as os.Files.
type Poller struct{}

// NewPoller returns nil here: no Poller, and no error.
func NewPoller() (*Poller, error) { return nil, nil }

// Close does nothing: there is no Poller here.
func (p *Poller) Close() error { return nil }

// forget is never called: no Conn has a Poller here.
func (p *Poller) forget(*Conn) {}

// wakeUp is never called: no Conn has a Poller here.
func (o *ioCall) wakeUp() {}
