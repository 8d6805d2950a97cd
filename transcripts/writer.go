package transcripts

import (
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/proxy"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
	"github.com/ngw2f/ngw2f-lab/stack/visible"
)

// indent starts every line the lab shows, so that the narrative stands
// apart from what happened.
const indent = "    "

// maxLine is the longest line of bytes a transcript shows in full.
const maxLine = 110

// Writer prints a lesson's run as plain text. Its Write method is meant to
// be a runner's Out.
type Writer struct {
	w           *tailWriter
	last        runner.OutputKind // kind of the previous Output
	screenOpen  bool              // a telnet screen is being printed
	atLineStart bool              // the screen's last byte was a line end
}

// NewWriter returns a Writer printing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: &tailWriter{w: w}} }

// tailWriter remembers the last two bytes written, so that paragraphs can
// be separated by exactly one empty line.
type tailWriter struct {
	w    io.Writer
	tail [2]byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	switch len(p) {
	case 0:
	case 1:
		t.tail = [2]byte{t.tail[1], p[0]}
	default:
		t.tail = [2]byte{p[len(p)-2], p[len(p)-1]}
	}
	return t.w.Write(p)
}

// paragraph starts a new paragraph: it ends the current line and leaves
// one empty line, unless the output is at its start or has one already.
func (t *tailWriter) paragraph() {
	switch {
	case t.tail == [2]byte{}, t.tail == [2]byte{'\n', '\n'}:
	case t.tail[1] == '\n':
		io.WriteString(t.w, "\n")
		t.tail = [2]byte{'\n', '\n'}
	default:
		io.WriteString(t.w, "\n\n")
		t.tail = [2]byte{'\n', '\n'}
	}
}

// Write prints one Output.
func (tw *Writer) Write(o runner.Output) {
	if o.Kind != runner.OutScreen {
		tw.endScreen()
	}
	if tw.last == runner.OutProse && o.Kind != runner.OutProse {
		tw.w.paragraph()
	}
	tw.last = o.Kind
	switch o.Kind {
	case runner.OutLesson:
		tw.printf("%s\n%s\n", o.Text, strings.Repeat("=", len(o.Text)))
	case runner.OutStep:
		tw.w.paragraph()
		tw.printf("\n%s\n%s\n", o.Text, strings.Repeat("-", len(o.Text)))
	case runner.OutProse:
		tw.w.paragraph()
		tw.printf("%s\n", o.Text)
	case runner.OutCommand:
		tw.w.paragraph()
		tw.printf("%s$ %s\n", indent, o.Text)
	case runner.OutScreen:
		tw.screen(o.Text)
	case runner.OutInfo:
		tw.printf("%slab: %s\n", indent, o.Text)
	case runner.OutCheck:
		mark := "ok"
		if !o.OK {
			mark = "FAILED"
		}
		tw.printf("%scheck %s: %s\n", indent, mark, o.Text)
	case runner.OutExplain:
		tw.printf("%s%s\n", indent, o.Text)
	case runner.OutTurn:
		_, port, _ := net.SplitHostPort(o.Addr)
		tw.printf("%slab: your turn: in the TUI, a telnet prompt on %s opens here (telnet localhost %s), offering:\n", indent, o.Layer, port)
		for _, of := range o.Offers {
			tw.printf("%s  offer: %s\n", indent, of.Label)
			for _, l := range of.Lines {
				tw.printf("%s    > %s\n", indent, l)
			}
			if of.Data != nil {
				tw.printf("%s    %s\n", indent, lessons.Action{Verb: lessons.Send, Data: of.Data}.Text())
			}
		}
	case runner.OutVerdict:
		tw.printf("%sverdict: %s\n", indent, o.Text)
		tw.w.paragraph()
	case runner.OutJourney:
		tw.journey(settled(o.Journey))
	case runner.OutLog:
		tw.printf("%s%s logs: %s\n", indent, o.Layer, o.Text)
	case runner.OutEnd:
		tw.w.paragraph()
		tw.printf("%s\n", o.Text)
	}
}

func (tw *Writer) printf(format string, args ...any) { fmt.Fprintf(tw.w, format, args...) }

// screen prints what telnet showed, indented, as it arrives in pieces.
func (tw *Writer) screen(text string) {
	if !tw.screenOpen {
		tw.screenOpen, tw.atLineStart = true, true
	}
	for _, line := range strings.SplitAfter(visible.Screen(text), "\n") {
		if line == "" {
			continue
		}
		if tw.atLineStart {
			io.WriteString(tw.w, indent)
		}
		io.WriteString(tw.w, line)
		tw.atLineStart = strings.HasSuffix(line, "\n")
	}
}

// endScreen ends a telnet screen whose last line had no line end.
func (tw *Writer) endScreen() {
	if tw.screenOpen && !tw.atLineStart {
		io.WriteString(tw.w, "\n")
	}
	tw.screenOpen = false
}

// journey prints every hop of a journey with its bytes, and the layers'
// log lines where they happened.
func (tw *Writer) journey(j *trace.Journey) {
	tw.w.paragraph()
	tw.printf("%sjourney %d: %s (%s)\n", indent, j.ID, strings.Join(j.Layers(), " -> "), span(j))
	for _, item := range items(j) {
		if item.log != nil {
			tw.printf("%s     %s: %s\n", indent, LogLabel(item.log), item.log.Data)
			continue
		}
		tw.hop(item.hop)
	}
	tw.w.paragraph()
}

// LogLabel names who logged a journey's log line: "prefork logs", or the
// stream it went to, as "prefork wsgi.errors"; a note is the lab's own
// remark, where a layer knowingly answers otherwise than the program it
// mirrors.
func LogLabel(e *trace.Event) string {
	switch e.Name {
	case "wsgi.errors":
		return e.Layer + " " + e.Name
	case "note":
		return "lab note on " + e.Layer
	case proxy.ErrorLogBelow:
		return e.Layer + " would log, below its error_log's level"
	}
	return e.Layer + " logs"
}

// item is a hop or a log line of a journey.
type item struct {
	pos int // where its (first) event is in the journey
	hop *trace.Hop
	log *trace.Event
}

// items merges a journey's hops and log lines in the order they happened.
func items(j *trace.Journey) []item {
	var out []item
	pos := make(map[uint64]int, len(j.Events))
	for i, e := range j.Events {
		pos[e.Seq] = i
	}
	hops := j.Hops()
	for i := range hops {
		out = append(out, item{pos: pos[hops[i].Events[0].Seq], hop: &hops[i]})
	}
	logs := j.Logs()
	for i := range logs {
		out = append(out, item{pos: pos[logs[i].Seq], log: &logs[i]})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].pos < out[b].pos })
	return out
}

func (tw *Writer) hop(h *trace.Hop) {
	arrow, mark := "->", ">"
	if h.Dir == trace.Up {
		arrow, mark = "<-", "<"
	}
	head := fmt.Sprintf("%s%3d  %s %s %s  ", indent, h.N, h.From, arrow, h.To)
	switch h.Kind {
	case trace.KindBytes:
		data := h.Data()
		tw.printf("%s%d bytes\n", head, h.Size())
		if fields, body, ok := uwsgi.Dump(data); ok {
			tw.printf("%s     %s uwsgi packet, a field a line:\n", indent, mark)
			for _, f := range fields {
				tw.printf("%s     %s   %s\n", indent, mark, visible.Elide(f, maxLine))
			}
			data = body
		}
		for _, line := range visible.Lines(data) {
			tw.printf("%s     %s %s\n", indent, mark, visible.Elide(visible.Bytes(line), maxLine))
		}
		if n := h.Omitted(); n > 0 {
			tw.printf("%s     %s ... %s\n", indent, mark, NotKept(n))
		}
	case trace.KindHandoff:
		e := h.Events[0]
		if len(e.Data) > 0 || e.Omitted > 0 || e.Name == "chunk" {
			tw.printf("%s%s, %d bytes\n", head, h.Name, int64(len(e.Data))+e.Omitted)
		} else {
			tw.printf("%s%s\n", head, h.Name)
		}
		for _, f := range e.Fields {
			tw.printf("%s       %s = %s\n", indent, f.Key, f.Value)
		}
		for _, line := range visible.Lines(e.Data) {
			tw.printf("%s     %s %s\n", indent, mark, visible.Elide(visible.Bytes(line), maxLine))
		}
		if e.Omitted > 0 {
			tw.printf("%s     %s ... %s\n", indent, mark, NotKept(e.Omitted))
		}
	case trace.KindClose, trace.KindEOF, trace.KindError:
		tw.printf("%s%s\n", head, ConnEnd(*h))
	}
}

// ConnEnd words a hop that ends a connection (a close, an end of file, an
// error) as the transcripts say it.
func ConnEnd(h trace.Hop) string {
	e := h.Events[0]
	switch h.Kind {
	case trace.KindClose:
		return e.Layer + " closes the connection"
	case trace.KindEOF:
		return "the other side closed the connection; " + e.Layer + " reads end of file"
	}
	return e.Layer + ": " + e.Err
}

// span is how long a journey took from its first event to its last.
func span(j *trace.Journey) string { return Took(j).String() }

// Took returns how long a journey took, from its first event to its last,
// to the microsecond.
func Took(j *trace.Journey) time.Duration {
	if len(j.Events) == 0 {
		return 0
	}
	return j.Events[len(j.Events)-1].Time.Sub(j.Events[0].Time).Round(time.Microsecond)
}

// NotKept says how many bytes of a hop the tap counted but did not keep.
func NotKept(n int64) string {
	return fmt.Sprintf("%d more bytes not kept (the lab keeps the first %d KiB of a hop)", n, trace.MaxHopBytes>>10)
}
