package uwsgi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Dump lays out data, a packet as it crossed the wire, one field a line:
// the header's four bytes in hex and what they say, then each variable as
// its two length prefixes in hex with the key and the value as text. The
// bytes after the variables, the body, are returned as they are. ok is
// false when data does not begin with a whole request packet (modifier1
// 0), so that a caller can show any other bytes some other way.
func Dump(data []byte) (lines []string, body []byte, ok bool) {
	if len(data) < HeaderSize || data[0] != 0 {
		return nil, nil, false
	}
	p, err := Read(bytes.NewReader(data))
	if err != nil {
		return nil, nil, false
	}
	size := binary.LittleEndian.Uint16(data[1:3])
	lines = append(lines, fmt.Sprintf("% x  header: modifier1 %d, datasize %d (%02x %02x: the low byte first), modifier2 %d",
		data[:HeaderSize], p.Modifier1, size, data[1], data[2], p.Modifier2))
	for _, v := range p.Vars {
		lines = append(lines, fmt.Sprintf("%s %s  %s %s", lengthBytes(v.Key), text(v.Key), lengthBytes(v.Value), text(v.Value)))
	}
	return lines, data[HeaderSize+int(size):], true
}

// lengthBytes is the length prefix of s in hex, as it is on the wire.
func lengthBytes(s string) string {
	return fmt.Sprintf("%02x %02x", len(s)&0xff, len(s)>>8)
}

// text is s as it is when it is printable, Go-quoted when not or when it
// is empty, so that a line never hides a byte.
func text(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == utf8.RuneError || r == '"' {
			return strconv.QuoteToASCII(s)
		}
	}
	return s
}
