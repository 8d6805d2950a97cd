package runner

import (
	"fmt"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
)

// explainPacket lays out the uwsgi packet of the last request: the bytes
// that went down the first hop between two layers that reads as one.
func explainPacket(js []*trace.Journey) []string {
	for _, j := range js {
		for _, h := range j.Hops() {
			if h.Kind != trace.KindBytes || h.Dir != trace.Down || h.From == trace.ClientName {
				continue
			}
			data := downBytes(j, h.From, h.To)
			if lines, ok := describePacket(h.From, h.To, data); ok {
				return lines
			}
		}
	}
	return []string{"no hop of this request carried a uwsgi packet: it went over HTTP all the way"}
}

// downBytes is every byte that went down from one layer to the next in a
// journey: the packet and the body that follows it may cross as two hops,
// with the app's hand-offs between them.
func downBytes(j *trace.Journey, from, to string) []byte {
	var data []byte
	for _, h := range j.Hops() {
		if h.Kind == trace.KindBytes && h.Dir == trace.Down && h.From == from && h.To == to {
			data = append(data, h.Data()...)
		}
	}
	return data
}

// describePacket explains data field by field, as uwsgi.Dump lays it out;
// ok is false when data is no uwsgi packet.
func describePacket(from, to string, data []byte) (lines []string, ok bool) {
	fields, body, ok := uwsgi.Dump(data)
	if !ok {
		return nil, false
	}
	out := []string{
		fmt.Sprintf("the uwsgi packet %s sent %s, %d bytes with what followed it:", from, to, len(data)),
		"  " + fields[0],
		fmt.Sprintf("  %d variables, each a 2-byte length and the key, a 2-byte length and the value:", len(fields)-1),
	}
	for _, f := range fields[1:] {
		out = append(out, "    "+f)
	}
	if len(body) > 0 {
		out = append(out, fmt.Sprintf("  then the body, %d bytes as the client sent them: no framing of their own, CONTENT_LENGTH says how many", len(body)))
	} else {
		out = append(out, "  no body follows: the packet is the whole request")
	}
	return out, true
}
