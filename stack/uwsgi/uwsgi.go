// Package uwsgi reads and writes packets of the uwsgi protocol, the binary
// protocol nginx's uwsgi_pass speaks to an application server instead of
// HTTP.
//
// A request packet is a 4-byte header, then the request's variables, then
// the request body as it came:
//
//	modifier1  u8         0 for a WSGI request
//	datasize   u16, LE    the size of the variables that follow
//	modifier2  u8         0
//	vars       repeated:  u16 LE key size, key, u16 LE value size, value
//
// The variables are what CGI put in environment variables (REQUEST_METHOD,
// PATH_INFO, HTTP_HOST, ...); the server answers in plain HTTP, so only the
// way down is binary.
//
// NOTES:
//   - datasize is 16 bits: the variables of one packet take at most 65535
//     bytes, which is where a request with huge headers cannot go.
//   - Keys may repeat; order is kept, as nginx sends them.
package uwsgi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// HeaderSize is the size of a packet's header.
const HeaderSize = 4

// MaxDataSize is the most variable bytes a packet can carry.
const MaxDataSize = 0xffff

// Var is one of a packet's variables.
type Var struct {
	Key, Value string
}

// Packet is a uwsgi request packet's header and variables.
type Packet struct {
	Modifier1 uint8
	Modifier2 uint8
	Vars      []Var
}

// Get returns the value of the first variable named key, and whether there
// is one.
func (p *Packet) Get(key string) (string, bool) {
	for _, v := range p.Vars {
		if v.Key == key {
			return v.Value, true
		}
	}
	return "", false
}

// ErrTooBig is returned when variables do not fit in one packet.
var ErrTooBig = errors.New("uwsgi: variables larger than a packet can carry (65535 bytes)")

// Append appends p in wire form to dst.
func Append(dst []byte, p *Packet) ([]byte, error) {
	size := 0
	for _, v := range p.Vars {
		if len(v.Key) > 0xffff || len(v.Value) > 0xffff {
			return dst, ErrTooBig
		}
		size += 4 + len(v.Key) + len(v.Value)
	}
	if size > MaxDataSize {
		return dst, ErrTooBig
	}
	dst = append(dst, p.Modifier1)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(size))
	dst = append(dst, p.Modifier2)
	for _, v := range p.Vars {
		dst = appendString(dst, v.Key)
		dst = appendString(dst, v.Value)
	}
	return dst, nil
}

func appendString(dst []byte, s string) []byte {
	dst = binary.LittleEndian.AppendUint16(dst, uint16(len(s)))
	return append(dst, s...)
}

// Read reads one packet's header and variables from r, leaving the body
// that follows unread.
func Read(r io.Reader) (*Packet, error) {
	var head [HeaderSize]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("uwsgi: header: %w", err)
	}
	data := make([]byte, binary.LittleEndian.Uint16(head[1:3]))
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("uwsgi: variables: %w", noEOF(err))
	}
	vars, err := Parse(data)
	if err != nil {
		return nil, err
	}
	return &Packet{Modifier1: head[0], Modifier2: head[3], Vars: vars}, nil
}

// Parse reads the variables of a packet from data, which must hold them
// all and nothing else.
func Parse(data []byte) ([]Var, error) {
	var vars []Var
	for off := 0; off < len(data); {
		key, n, err := field(data, off, "key")
		if err != nil {
			return nil, err
		}
		off = n
		value, n, err := field(data, off, "value of "+key)
		if err != nil {
			return nil, err
		}
		off = n
		vars = append(vars, Var{Key: key, Value: value})
	}
	return vars, nil
}

// field reads one length-prefixed string at off and returns it with the
// offset after it.
func field(data []byte, off int, what string) (string, int, error) {
	if len(data)-off < 2 {
		return "", 0, fmt.Errorf("uwsgi: variables end inside the size of a %s at byte %d", what, off)
	}
	n := int(binary.LittleEndian.Uint16(data[off:]))
	off += 2
	if len(data)-off < n {
		return "", 0, fmt.Errorf("uwsgi: %s of %d bytes runs past the variables at byte %d", what, n, off)
	}
	return string(data[off : off+n]), off + n, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
