package trace

import (
	"fmt"
	"sync/atomic"
	"time"
)

// Kind says what an Event records.
type Kind uint8

const (
	// KindOpen is a connection accepted or dialed; Local, Remote and Side
	// are set.
	KindOpen Kind = iota + 1
	// KindBytes is bytes read or written on a connection; Data holds them.
	KindBytes
	// KindClose is the recording side closing its connection.
	KindClose
	// KindEOF is the peer closing its side: a read returned end of file.
	KindEOF
	// KindError is a failed read or write; Err says what happened.
	KindError
	// KindHandoff is a structured hand-off between two layers that is not
	// bytes on a socket: an environ, a start_response call, a body chunk.
	// From, To, Dir, Name and Fields are set.
	KindHandoff
	// KindLink says that the request on Conn continues on a connection the
	// layer dialed; Local and Remote are that connection's addresses.
	KindLink
	// KindLog is a line a layer logs (an access log line, a hook firing).
	KindLog
)

var kindNames = [...]string{
	KindOpen: "open", KindBytes: "bytes", KindClose: "close", KindEOF: "eof",
	KindError: "error", KindHandoff: "handoff", KindLink: "link", KindLog: "log",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Dir is the direction of travel through the stack.
type Dir uint8

const (
	// Down is toward the application: the request.
	Down Dir = iota + 1
	// Up is toward the client: the response.
	Up
)

func (d Dir) String() string {
	switch d {
	case Down:
		return "down"
	case Up:
		return "up"
	}
	return "none"
}

// Side says which end of a connection a tap sits on.
type Side uint8

const (
	// Server is the accepting end: what it reads goes down the stack.
	Server Side = iota + 1
	// Client is the dialing end: what it writes goes down the stack.
	Client
)

func (s Side) String() string {
	switch s {
	case Server:
		return "server"
	case Client:
		return "client"
	}
	return "none"
}

// ConnID names one tapped connection uniquely across the lab's processes.
// The zero ConnID means no connection.
type ConnID struct {
	PID int
	N   uint64
}

// IsZero reports whether id names no connection.
func (id ConnID) IsZero() bool { return id == ConnID{} }

func (id ConnID) String() string { return fmt.Sprintf("%d/%d", id.PID, id.N) }

// connCounter numbers the connections tapped in this process.
var connCounter atomic.Uint64

// newConnID returns a ConnID no other connection of this process has.
func newConnID(pid int) ConnID { return ConnID{PID: pid, N: connCounter.Add(1)} }

// Field is one key and value of a structured event, such as one environ
// entry. Fields keep the order in which the layer produced them.
type Field struct {
	Key, Value string
}

// Event is one thing the tap saw.
type Event struct {
	Seq   uint64    // order of recording, from 1; set by the Recorder
	Time  time.Time // when it happened
	PID   int       // process that recorded it
	Layer string    // layer that recorded it ("rawsock", "proxy", ...)
	Conn  ConnID    // connection it belongs to; zero for none
	Kind  Kind
	Dir   Dir  // for bytes and hand-offs: which way it travelled
	Side  Side // for KindOpen
	// From and To name the two layers of the hop, the one nearer the client
	// first, whichever way the event travelled: a response from rawsock to
	// the client is From "client", To "rawsock", Dir Up. Layers set them on
	// hand-offs; the Assembler fills them in for connection events.
	From, To string
	Name     string // for hand-offs and logs: "environ", "start_response", ...
	Local    string // for KindOpen and KindLink
	Remote   string // for KindOpen and KindLink
	Data     []byte
	// Omitted counts the bytes that crossed but are not in Data: a hop
	// keeps its first MaxHopBytes, and the rest only as a count.
	Omitted int64
	Fields  []Field
	Err     string
}

// Sink receives events. Record must not block for long, must not keep
// e.Data beyond the call without copying it (the caller reuses that
// buffer) and must not change it (it may be a string's bytes). It may
// keep e.Fields.
type Sink interface {
	Record(e Event)
}
