package tui

import (
	"bytes"
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/visible"
	"github.com/ngw2f/ngw2f-lab/transcripts"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// hopMode is how a hop's content is shown.
type hopMode int

const (
	modeRaw  hopMode = iota // the bytes as text, CR LF spelled out
	modeDiff                // what changed since the previous hop the same way
	modeHex                 // a hex dump
)

// hopTitle says which hop this is.
func hopTitle(h trace.Hop, total int) string {
	arrow := "→"
	if h.Dir == trace.Up {
		arrow = "←"
	}
	what := hopSummary(h)
	if h.Kind == trace.KindBytes {
		what = fmt.Sprintf("%d bytes", h.Size())
	}
	at := ""
	if len(h.Events) > 0 {
		at = " · " + h.Events[0].Time.Format("15:04:05.000")
	}
	return fmt.Sprintf("hop %d of %d · %s %s %s · %s%s", h.N, total, h.From, arrow, h.To, what, at)
}

// hopContent renders a hop's content for width w: its bytes, its hand-off
// fields, or what happened to its connection.
func hopContent(st *common.Styles, hops []trace.Hop, i int, mode hopMode, w int) []string {
	h := hops[i]
	switch h.Kind {
	case trace.KindBytes:
		data := h.Data()
		if mode == modeHex || (mode == modeRaw && binary(data)) {
			return hexDump(st, data, w)
		}
		if mode == modeDiff {
			return diffLines(st, hops, i, w)
		}
		lines := byteLines(st, data, h.Dir, w)
		if n := h.Omitted(); n > 0 {
			lines = append(lines, st.Info.Render("… "+transcripts.NotKept(n)))
		}
		return lines
	case trace.KindHandoff:
		return fieldLines(st, h, w)
	case trace.KindClose:
		return []string{st.Info.Render(h.Events[0].Layer + " closes the connection.")}
	case trace.KindEOF:
		return []string{st.Info.Render("The other side closed the connection; " + h.Events[0].Layer + " reads end of file.")}
	case trace.KindError:
		return []string{st.Error.Render(h.Events[0].Layer + ": " + h.Events[0].Err)}
	}
	return nil
}

// byteLines shows bytes as lines of text, "> " down and "< " up as curl -v
// does, with CR, LF and other control bytes spelled out, long lines wrapped.
func byteLines(st *common.Styles, data []byte, dir trace.Dir, w int) []string {
	mark, style := "> ", st.Down
	if dir == trace.Up {
		mark, style = "< ", st.Up
	}
	var out []string
	for _, line := range visible.Lines(data) {
		text := styleEscapes(st, visible.Bytes(line), style)
		wrapped := strings.Split(ansi.Hardwrap(text, max(w-2, 10), true), "\n")
		for k, part := range wrapped {
			if k == 0 {
				out = append(out, style.Render(mark)+part)
			} else {
				out = append(out, "  "+part)
			}
		}
	}
	return out
}

// styleEscapes paints the escapes Visible wrote (\r, \n, \t, \xNN) apart
// from the text around them, which gets style.
func styleEscapes(st *common.Styles, s string, style lipgloss.Style) string {
	var sb strings.Builder
	plain := 0
	flush := func(end int) {
		if end > plain {
			sb.WriteString(style.Render(s[plain:end]))
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			continue
		}
		n := 2
		switch s[i+1] {
		case 'r', 'n', 't':
		case 'x':
			n = 4
		default: // an escaped backslash is text
			i++
			continue
		}
		flush(i)
		sb.WriteString(st.Escape.Render(s[i:min(i+n, len(s))]))
		i += n - 1
		plain = i + 1
	}
	flush(len(s))
	return sb.String()
}

// hexDump shows data as offset, hex bytes and their text: sixteen bytes a
// row where a row of them fits in w cells, eight where it does not, so
// that the text column is never cut.
func hexDump(st *common.Styles, data []byte, w int) []string {
	per := 16
	if w < 10+3*16+1+1+18 { // offset, hex with a gap, a space, |text|
		per = 8
	}
	var out []string
	for off := 0; off < len(data); off += per {
		row := data[off:min(off+per, len(data))]
		var hx, txt strings.Builder
		for k := range per {
			if k == 8 {
				hx.WriteByte(' ')
			}
			if k < len(row) {
				fmt.Fprintf(&hx, "%02x ", row[k])
				c := row[k]
				if c < 0x20 || c >= 0x7f {
					c = '.'
				}
				txt.WriteByte(c)
			} else {
				hx.WriteString("   ")
			}
		}
		out = append(out, st.Muted.Render(fmt.Sprintf("%08x  ", off))+hx.String()+" "+st.Muted.Render("|")+txt.String()+st.Muted.Render("|"))
	}
	return out
}

// fieldLines shows a hand-off's fields as a table, in the order the layer
// gave them, and its data, if any.
func fieldLines(st *common.Styles, h trace.Hop, w int) []string {
	e := h.Events[0]
	wk := 0
	for _, f := range e.Fields {
		wk = max(wk, min(len(f.Key), 28))
	}
	from, to := h.From, h.To
	if h.Dir == trace.Up {
		from, to = to, from
	}
	out := []string{st.Handoff.Render(fmt.Sprintf("%s, from %s to %s:", e.Name, from, to))}
	for _, f := range e.Fields {
		out = append(out, "  "+st.Bold.Render(fmt.Sprintf("%-*s", wk, f.Key))+"  "+visible.Bytes([]byte(f.Value)))
	}
	if len(e.Data) > 0 {
		out = append(out, byteLines(st, e.Data, h.Dir, w)...)
	}
	if e.Omitted > 0 {
		out = append(out, st.Info.Render("… "+transcripts.NotKept(e.Omitted)))
	}
	if len(e.Fields) == 0 && len(e.Data) == 0 && e.Omitted == 0 {
		out = append(out, st.Info.Render(emptyHandoff(e.Name, from)))
	}
	return out
}

// emptyHandoff says what a hand-off that carries nothing means: the call
// itself is what happened.
func emptyHandoff(name, caller string) string {
	if name == "close" {
		return "The server called close() on the body the app returned, as PEP 3333 asks once the body is sent: the app may free what it held for this request. Nothing crosses but the call."
	}
	return "Nothing crosses but the call: " + caller + " made it, and that it happened here is the point."
}

// head is an HTTP message's head taken apart for comparing: its first
// line, its header lines and what follows.
type head struct {
	first   string
	headers []headerLine
	body    []byte
}

type headerLine struct {
	name, value, raw string
}

// splitHead splits data at the empty line that ends its head.
func splitHead(data []byte) head {
	var hd head
	lines := visible.Lines(data)
	for i, l := range lines {
		text := strings.TrimRight(string(l), "\r\n")
		if i == 0 {
			hd.first = text
			continue
		}
		if text == "" {
			hd.body = bytes.Join(lines[i+1:], nil)
			return hd
		}
		name, value, _ := strings.Cut(text, ":")
		hd.headers = append(hd.headers, headerLine{name: name, value: strings.TrimSpace(value), raw: text})
	}
	return hd
}

// previousSameWay returns the index of the closest earlier hop that
// carried bytes the same way between other layers, or -1.
func previousSameWay(hops []trace.Hop, i int) int {
	h := hops[i]
	for k := i - 1; k >= 0; k-- {
		p := hops[k]
		if p.Kind == trace.KindBytes && p.Dir == h.Dir && (p.From != h.From || p.To != h.To) {
			return k
		}
	}
	return -1
}
