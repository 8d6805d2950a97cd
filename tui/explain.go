package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/glossary"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// term is one thing of a hop the glossary may explain: a request-line
// part, a status, a header or an environ key, with its value in the hop.
type term struct {
	kind  glossary.Kind
	name  string // "method", "Host", "PATH_INFO", "404"
	value string
}

// label is how the term is listed.
func (t term) label() string {
	if t.kind == glossary.Status {
		return "status " + t.name
	}
	return t.name + ": " + t.value
}

// hopTerms lists the terms of a hop, in the order they appear.
func hopTerms(h trace.Hop) []term {
	switch h.Kind {
	case trace.KindBytes:
		if p, _, ok := packetOf(h.Data()); ok {
			return packetTerms(p)
		}
		return headTerms(h.Data(), h.Dir)
	case trace.KindHandoff:
		var out []term
		for _, f := range h.Events[0].Fields {
			kind := glossary.Environ
			for _, k := range []glossary.Kind{glossary.Environ, glossary.Header, glossary.Field} {
				if _, ok := glossary.Lookup(k, f.Key); ok {
					kind = k
					break
				}
			}
			out = append(out, term{kind: kind, name: f.Key, value: f.Value})
		}
		return out
	}
	return nil
}

// headTerms takes an HTTP head apart into terms.
func headTerms(data []byte, dir trace.Dir) []term {
	hd := splitHead(data)
	fields := strings.Fields(hd.first)
	var out []term
	part := func(name, value string) {
		out = append(out, term{kind: glossary.RequestPart, name: name, value: value})
	}
	switch {
	case dir == trace.Up && len(fields) >= 2 && strings.HasPrefix(fields[0], "HTTP/"):
		part("version", fields[0])
		out = append(out, term{kind: glossary.Status, name: fields[1], value: strings.Join(fields[2:], " ")})
		part("reason", strings.Join(fields[2:], " "))
	case dir == trace.Down && len(fields) >= 2:
		part("method", fields[0])
		part("target", fields[1])
		if len(fields) >= 3 {
			part("version", fields[2])
		} else {
			part("version", "none: HTTP/0.9")
		}
	default:
		return nil
	}
	for _, h := range hd.headers {
		out = append(out, term{kind: glossary.Header, name: h.name, value: h.value})
	}
	return out
}

// explainPanel explains a term of the selected hop: what it means, which
// layer set or changed it in this journey, and where the lesson covers it.
type explainPanel struct {
	com      common.Common
	lesson   *lessons.Lesson
	terms    []term
	selected int
	hops     []trace.Hop
	hop      int
}

func newExplainPanel(com common.Common, l *lessons.Lesson) explainPanel {
	return explainPanel{com: com, lesson: l}
}

// SetSize sets the panel's inner size.
func (m *explainPanel) SetSize(w, h int) { m.com.SetSize(w, h) }

// SetHop points the panel at hop i of hops.
func (m *explainPanel) SetHop(hops []trace.Hop, i int) {
	if len(hops) == 0 {
		m.hops, m.terms = nil, nil
		return
	}
	same := len(m.hops) > 0 && i < len(m.hops) && m.hop == i && len(m.hops) == len(hops) && m.hops[i].N == hops[i].N
	m.hops, m.hop = hops, i
	m.terms = hopTerms(hops[i])
	if !same {
		m.selected = 0
	}
	m.selected = min(m.selected, max(len(m.terms)-1, 0))
}

// Update moves between the hop's terms.
func (m explainPanel) Update(msg tea.Msg) (explainPanel, tea.Cmd) {
	m.selected = moveSelection(msg, m.com.Keys, m.selected, len(m.terms))
	return m, nil
}

// View lists the terms on the left and explains the selected one.
func (m explainPanel) View() string {
	st := m.com.Styles
	if len(m.terms) == 0 {
		return st.Muted.Render("This hop has nothing to explain: pick a hop with a request, an answer or an environ (←/→).")
	}
	listW := min(max(m.com.Width/3, 16), 30)
	textW := m.com.Width - listW - 2
	var list []string
	for i, t := range m.terms {
		l := ansi.Truncate(t.label(), listW-2, "…") // whole in the text beside it
		if i == m.selected {
			l = st.Selected.Render("▶ " + l)
		} else {
			l = "  " + l
		}
		list = append(list, l)
	}
	list, _ = window(list, m.selected-m.com.Height/2, m.com.Height)
	text := strings.Split(ansi.Wordwrap(m.detail(m.terms[m.selected]), textW, " "), "\n")
	text, _ = window(text, 0, m.com.Height)
	rows := make([]string, m.com.Height)
	for i := range rows {
		var l, r string
		if i < len(list) {
			l = list[i]
		}
		if i < len(text) {
			r = text[i]
		}
		rows[i] = pad(l, listW) + "  " + r
	}
	return strings.Join(rows, "\n")
}

// detail explains t: the glossary's words, its history in this journey
// and the lesson's line about it.
func (m explainPanel) detail(t term) string {
	st := m.com.Styles
	var sb strings.Builder
	sb.WriteString(st.Bold.Render(t.label()) + "\n")
	e, ok := glossary.Lookup(t.kind, t.name)
	if ok {
		sb.WriteString(e.Meaning)
	} else {
		sb.WriteString(st.Muted.Render("The lab's glossary has no entry for this " + t.kind.String() + "."))
	}
	if t.kind == glossary.RequestPart {
		if v, ok := glossary.Lookup(glossary.RequestPart, t.value); ok {
			sb.WriteString(" " + v.Term + ": " + v.Meaning)
		}
	}
	sb.WriteString("\n" + st.Info.Render(history(m.hops, m.hop, t)))
	if where := lessonLine(m.lesson, t); where != "" {
		sb.WriteString("\n" + st.Muted.Render("In the lesson: ") + where)
	}
	return sb.String()
}

// history says which layer set t in this journey and who changed it on
// the way, looking at the hops that went the same way as hop i.
func history(hops []trace.Hop, i int, t term) string {
	dir := hops[i].Dir
	var notes []string
	var last string
	seen := false
	for _, h := range hops[:i+1] {
		if h.Dir != dir {
			continue
		}
		v, ok := valueIn(hopTerms(h), t)
		if !ok && h.Kind == trace.KindHandoff {
			continue // a hand-off shows some fields only: leaving one out drops nothing
		}
		switch {
		case ok && !seen:
			notes = append(notes, fmt.Sprintf("set %s", where(h)))
		case ok && v != last:
			notes = append(notes, fmt.Sprintf("rewritten %s, was %q", where(h), last))
		case !ok && seen:
			notes = append(notes, fmt.Sprintf("dropped %s", where(h)))
		}
		seen, last = ok, v
	}
	if len(notes) == 0 {
		return "Seen in this hop only."
	}
	return "In this journey: " + strings.Join(notes, "; ") + "."
}

// where says where a hop changed a term: by the layer that sent its
// bytes, or at a hand-off, whose work may be either side's.
func where(h trace.Hop) string {
	if h.Kind == trace.KindHandoff {
		return fmt.Sprintf("at hop %d, %s", h.N, h.Name)
	}
	return fmt.Sprintf("by %s (hop %d)", sender(h), h.N)
}

// sender is the layer that sent a hop's bytes: the one nearer the client
// for what goes down, the other for what comes up.
func sender(h trace.Hop) string {
	if h.Dir == trace.Up {
		return h.To
	}
	return h.From
}

// valueIn finds the term named like t among ts. A header stands for the
// environ key it becomes, as a uwsgi packet carries it.
func valueIn(ts []term, t term) (string, bool) {
	for _, x := range ts {
		if x.kind == glossary.Header && t.kind == glossary.Environ && envKey(x.name) == t.name {
			return x.value, true
		}
		if x.kind == t.kind && (strings.EqualFold(x.name, t.name) || (x.kind == glossary.Status && t.kind == glossary.Status)) {
			if x.kind == glossary.Status {
				return x.name, true
			}
			return x.value, true
		}
	}
	return "", false
}

// lessonLine finds the first line of the lesson that speaks of t.
func lessonLine(l *lessons.Lesson, t term) string {
	if l == nil {
		return ""
	}
	needles := []string{t.name}
	if t.kind == glossary.RequestPart {
		needles = []string{"**" + t.name + "**", t.name}
	}
	for _, needle := range needles {
		for i, s := range l.Steps {
			for _, b := range s.Blocks {
				for _, line := range strings.Split(b.Prose, "\n") { // lab blocks have no prose
					if strings.Contains(strings.ToLower(line), strings.ToLower(needle)) {
						return fmt.Sprintf("step %d (%s): %s", i+1, s.Title, strings.TrimSpace(line))
					}
				}
			}
		}
	}
	return ""
}

// ShortHelp is the panel's keys.
func (m explainPanel) ShortHelp() []key.Binding {
	k := m.com.Keys
	return []key.Binding{k.Up, k.Down, k.HopPrev, k.HopNext, k.Explain}
}
