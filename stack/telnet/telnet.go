// Package telnet is the lab's own telnet client, the tool the talk typed
// every request with. It behaves like telnet in line mode: it says what it
// is trying, sends each line as typed followed by CR LF, shows whatever comes
// back as it arrives, and says so when the other side closes.
//
// It prints exactly what telnet prints ("Trying 127.0.0.1...", "Connected to
// localhost.", "Escape character is '^]'.", "Connection closed by foreign
// host.") so that a learner can switch to the real program and see the same.
// It does not speak the TELNET protocol's option negotiation: HTTP servers
// never start it, and real telnet only starts it on port 23.
package telnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
)

// Messages telnet prints, word for word.
const (
	EscapeLine    = "Escape character is '^]'."
	ClosedForeign = "Connection closed by foreign host."
	ClosedLocal   = "Connection closed."
)

// Session is one connection opened the way telnet opens it.
type Session struct {
	conn   net.Conn
	screen io.Writer

	mu       sync.Mutex // guards screen writes and the fields below
	received []byte
	readErr  error // why reading stopped: io.EOF when the peer closed cleanly
	closed   bool  // closed by us

	done chan struct{} // closed when reading stopped
}

// Dial connects to addr as telnet does to host, printing to screen what
// telnet prints. host is the name the learner typed ("localhost"); addr is
// the host:port to connect to. Everything the server sends is written to
// screen as it arrives.
func Dial(ctx context.Context, host, addr string, screen io.Writer) (*Session, error) {
	ip, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("telnet: %w", err)
	}
	fmt.Fprintf(screen, "Trying %s...\n", ip)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		fmt.Fprintf(screen, "telnet: Unable to connect to remote host: %s\n", reason(err))
		return nil, fmt.Errorf("telnet: %w", err)
	}
	fmt.Fprintf(screen, "Connected to %s.\n%s\n", host, EscapeLine)
	s := &Session{conn: conn, screen: screen, done: make(chan struct{})}
	go s.read()
	return s, nil
}

// reason words a dial error as Linux does ("Connection refused"), where
// the talk's telnet ran, on every system; an error Linux has no number
// for is worded as Go words it.
func reason(err error) string {
	if e, ok := errno.Of(err); ok {
		return e.Message()
	}
	var se interface{ Unwrap() error }
	for errors.As(err, &se) {
		inner := se.Unwrap()
		if inner == nil {
			break
		}
		err = inner
	}
	msg := err.Error()
	if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
		msg = string(msg[0]-'a'+'A') + msg[1:]
	}
	return msg
}

// ReadReason words the error that ended a session (Ended's err) as Go
// words it on Linux, where the talk ran, on every system: a reset is
// "read: connection reset by peer", which Windows would word "wsarecv: An
// existing connection was forcibly closed by the remote host.". Another
// error keeps its own words, without the connection's addresses.
func ReadReason(err error) string {
	if errno.Is(err, errno.ECONNRESET) {
		return "read: connection reset by peer"
	}
	if inner := errors.Unwrap(err); inner != nil {
		return inner.Error()
	}
	return err.Error()
}

// read copies what the server sends to the screen until the connection
// ends.
func (s *Session) read() {
	defer close(s.done)
	buf := make([]byte, 32<<10)
	for {
		n, err := s.conn.Read(buf)
		s.mu.Lock()
		if n > 0 {
			s.received = append(s.received, buf[:n]...)
			s.screen.Write(buf[:n])
		}
		if err != nil {
			s.readErr = err
			if !s.closed {
				s.conn.Close()
				s.printLine(ClosedForeign)
			}
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
	}
}

// printLine writes msg on a line of its own, after whatever the server sent
// last. s.mu must be held.
func (s *Session) printLine(msg string) {
	if n := len(s.received); n > 0 && s.received[n-1] != '\n' {
		io.WriteString(s.screen, "\n")
	}
	io.WriteString(s.screen, msg+"\n")
}

// SendLine sends line as typed, followed by CR LF, and echoes it to the
// screen as the terminal would.
func (s *Session) SendLine(line string) error {
	s.mu.Lock()
	io.WriteString(s.screen, line+"\n")
	s.mu.Unlock()
	return s.Send([]byte(line + "\r\n"))
}

// TypeLine echoes line to the screen a character at a time, perChar
// apart, as a person typing it would see it, then sends it with CR LF as
// telnet does when enter is pressed. It stops early, sending nothing, when
// ctx ends.
func (s *Session) TypeLine(ctx context.Context, line string, perChar time.Duration) error {
	t := time.NewTicker(perChar)
	defer t.Stop()
	for _, r := range line {
		select {
		case <-ctx.Done():
			return fmt.Errorf("telnet: %w", ctx.Err())
		case <-t.C:
		}
		s.mu.Lock()
		io.WriteString(s.screen, string(r))
		s.mu.Unlock()
	}
	s.mu.Lock()
	io.WriteString(s.screen, "\n")
	s.mu.Unlock()
	return s.Send([]byte(line + "\r\n"))
}

// Send sends b exactly, without echo.
func (s *Session) Send(b []byte) error {
	if _, err := s.conn.Write(b); err != nil {
		return fmt.Errorf("telnet: %w", err)
	}
	return nil
}

// Done is closed when the connection has ended, by either side.
func (s *Session) Done() <-chan struct{} { return s.done }

// Received returns a copy of everything the server has sent so far.
func (s *Session) Received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.received...)
}

// Ended reports whether the server ended the connection, and how: err is
// nil for a clean close and the read error (a reset) otherwise.
func (s *Session) Ended() (ended bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.readErr == nil || s.closed {
		return false, nil
	}
	if errors.Is(s.readErr, io.EOF) {
		return true, nil
	}
	return true, s.readErr
}

// LocalAddr returns the client side's address, which the server sees as
// its peer.
func (s *Session) LocalAddr() net.Addr { return s.conn.LocalAddr() }

// Close closes the connection as telnet's "close" command does, and waits
// for the reader to stop.
func (s *Session) Close() error {
	s.mu.Lock()
	already := s.closed || s.readErr != nil
	s.closed = true
	if !already {
		s.printLine(ClosedLocal)
	}
	s.mu.Unlock()
	err := s.conn.Close()
	<-s.done
	if already || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
