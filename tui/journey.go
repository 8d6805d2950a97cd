package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/visible"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// journeyPanel is the live sequence diagram of a request and, under it,
// the selected hop's content. It follows the newest journey until the
// learner picks a hop; earlier journeys stay browsable, hop by hop.
type journeyPanel struct {
	com     common.Common
	traffic *traffic
	jid     int // the selected journey's ID; 0 for none yet
	hop     int // the selected hop's index in it
	follow  bool
	mode    hopMode
	offset  int // scroll offset of the hop content

	searching bool
	search    textinput.Model
	query     string
	notFound  bool

	layout *journeyLayout
}

// journeyLayout remembers where the last View put the hop rows, so that a
// click can select a hop, and caches the selected hop's rendered content.
type journeyLayout struct {
	firstRow, firstHop, rows int
	contentKey               string
	content                  []string
}

func newJourneyPanel(com common.Common, t *traffic) journeyPanel {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "text to find in the hops"
	return journeyPanel{com: com, traffic: t, follow: true, search: in, layout: &journeyLayout{}}
}

// SetSize sets the panel's inner size.
func (m *journeyPanel) SetSize(w, h int) {
	m.com.SetSize(w, h)
	m.search.SetWidth(max(w-4, 10))
}

// Typing reports whether keys go to the search box.
func (m journeyPanel) Typing() bool { return m.searching }

// journey returns the selected journey and its hops.
func (m journeyPanel) journey() (*trace.Journey, []trace.Hop) {
	j := m.traffic.asm.Journey(m.jid)
	if j == nil {
		return nil, nil
	}
	return j, m.traffic.hopsOf(j)
}

// Selected returns the selected journey, its hops and the selected hop's
// index, or a nil journey.
func (m journeyPanel) Selected() (*trace.Journey, []trace.Hop, int) {
	j, hops := m.journey()
	if j == nil || len(hops) == 0 {
		return nil, nil, 0
	}
	return j, hops, min(m.hop, len(hops)-1)
}

// sync follows the newest journey when following, and finds a journey
// again when the one selected fell out of the Assembler.
func (m *journeyPanel) sync() {
	js := m.traffic.journeys()
	if len(js) == 0 {
		return
	}
	if m.follow || m.traffic.asm.Journey(m.jid) == nil {
		last := js[len(js)-1]
		if m.jid != last.ID {
			m.offset = 0
		}
		m.jid = last.ID
		m.hop = watchedHop(m.traffic.hopsOf(last))
	}
}

// watchedHop is the hop a follower watches: the last that carried bytes
// or a hand-off with something in it, rather than a close after it (a
// connection's, or the body's close() call, which a worker may report
// after the proxy has passed the answer on).
func watchedHop(hops []trace.Hop) int {
	for i := len(hops) - 1; i >= 0; i-- {
		if informative(hops[i]) {
			return i
		}
	}
	return max(len(hops)-1, 0)
}

// informative reports whether a hop shows more than that something
// happened: bytes, or a hand-off with fields or data.
func informative(h trace.Hop) bool {
	switch h.Kind {
	case trace.KindBytes:
		return true
	case trace.KindHandoff:
		e := h.Events[0]
		return len(e.Fields) > 0 || len(e.Data) > 0
	}
	return false
}

// Update handles the panel's keys and clicks.
func (m journeyPanel) Update(msg tea.Msg) (journeyPanel, tea.Cmd) {
	if m.searching {
		return m.updateSearch(msg)
	}
	k := m.com.Keys
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.HopPrev):
			m.step(-1)
		case key.Matches(msg, k.HopNext):
			m.step(+1)
		case key.Matches(msg, k.JourneyPrev):
			m.jump(-1)
		case key.Matches(msg, k.JourneyNext):
			m.jump(+1)
		case key.Matches(msg, k.Latest):
			m.follow = true
			m.sync()
		case key.Matches(msg, k.Diff):
			m.mode = toggle(m.mode, modeDiff)
		case key.Matches(msg, k.Hex):
			m.mode = toggle(m.mode, modeHex)
		case key.Matches(msg, k.Up):
			m.offset = max(m.offset-1, 0)
		case key.Matches(msg, k.Down):
			m.offset++
		case key.Matches(msg, k.PageUp):
			m.offset = max(m.offset-m.com.Height/2, 0)
		case key.Matches(msg, k.PageDown):
			m.offset += m.com.Height / 2
		case key.Matches(msg, k.Search):
			m.searching = true
			m.search.SetValue(m.query)
			cmd := m.search.Focus()
			return m, cmd
		}
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			m.offset = max(m.offset-3, 0)
		} else if msg.Button == tea.MouseWheelDown {
			m.offset += 3
		}
	case tea.MouseClickMsg:
		m.click(msg.Mouse().Y)
	}
	return m, nil
}

func toggle(cur, mode hopMode) hopMode {
	if cur == mode {
		return modeRaw
	}
	return mode
}

// step moves to the next or previous hop, across journeys.
func (m *journeyPanel) step(d int) {
	j, hops := m.journey()
	if j == nil {
		return
	}
	m.follow, m.offset = false, 0
	m.hop = min(m.hop, len(hops)-1) + d
	if m.hop >= 0 && m.hop < len(hops) {
		return
	}
	js := m.traffic.journeys()
	i := indexOfJourney(js, m.jid) + d
	if i < 0 || i >= len(js) {
		m.hop = max(min(m.hop, len(hops)-1), 0)
		return
	}
	m.jid = js[i].ID
	m.hop = 0
	if d < 0 {
		m.hop = max(len(m.traffic.hopsOf(js[i]))-1, 0)
	}
}

// jump moves to the next or previous journey's first hop.
func (m *journeyPanel) jump(d int) {
	js := m.traffic.journeys()
	i := indexOfJourney(js, m.jid) + d
	if i < 0 || i >= len(js) {
		return
	}
	m.follow, m.offset, m.jid, m.hop = false, 0, js[i].ID, 0
}

func indexOfJourney(js []*trace.Journey, id int) int {
	for i, j := range js {
		if j.ID == id {
			return i
		}
	}
	return len(js) - 1
}

// click selects the hop whose arrow is on row y of the panel.
func (m *journeyPanel) click(y int) {
	l := m.layout
	if y < l.firstRow || y >= l.firstRow+l.rows {
		return
	}
	m.follow, m.offset = false, 0
	m.hop = l.firstHop + y - l.firstRow
}

// updateSearch types into the search box; enter finds the next hop whose
// text holds the query, in this journey and the ones after it.
func (m journeyPanel) updateSearch(msg tea.Msg) (journeyPanel, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch msg.String() {
		case "esc":
			m.searching = false
			m.search.Blur()
			return m, nil
		case "enter":
			m.query = m.search.Value()
			m.searching = false
			m.search.Blur()
			m.notFound = m.query != "" && !m.findNext()
			return m, nil
		}
	}
	var cmd tea.Cmd
	m.search, cmd = m.search.Update(msg)
	return m, cmd
}

// findNext selects the next hop after the selected one that contains the
// query, wrapping around the journeys held.
func (m *journeyPanel) findNext() bool {
	js := m.traffic.journeys()
	if len(js) == 0 {
		return false
	}
	q := strings.ToLower(m.query)
	start := indexOfJourney(js, m.jid)
	for n := 0; n <= len(js); n++ {
		j := js[(start+n)%len(js)]
		hops := m.traffic.hopsOf(j)
		from := 0
		if n == 0 {
			from = m.hop + 1
		}
		for i := from; i < len(hops); i++ {
			if strings.Contains(strings.ToLower(hopText(hops[i])), q) {
				m.follow, m.jid, m.hop, m.offset = false, j.ID, i, 0
				return true
			}
		}
	}
	return false
}

// hopText is a hop's content as plain searchable text.
func hopText(h trace.Hop) string {
	if h.Kind != trace.KindHandoff {
		return visible.Bytes(h.Data())
	}
	var sb strings.Builder
	sb.WriteString(h.Name)
	for _, f := range h.Events[0].Fields {
		sb.WriteString("\n" + f.Key + " = " + f.Value)
	}
	return sb.String()
}

// View draws the diagram and the selected hop.
func (m journeyPanel) View() string {
	st := m.com.Styles
	w, h := m.com.Width, m.com.Height
	j, hops, sel := m.Selected()
	if j == nil {
		m.layout.rows = 0
		return st.Muted.Render("No request yet. Run a step (enter) or type one in the telnet prompt:\nevery hop of its journey shows here, live.")
	}
	js := m.traffic.journeys()
	// "kept", not "held": in a talk's hop by hop mode a held request is
	// one waiting at a hop.
	hopWord := "hops"
	if len(hops) == 1 {
		hopWord = "hop"
	}
	status := fmt.Sprintf("journey %d (%d of %d kept) · %d %s", j.ID, indexOfJourney(js, j.ID)+1, len(js), len(hops), hopWord)
	if m.follow {
		status += " · following"
	}
	if m.traffic.missed > 0 {
		status += fmt.Sprintf(" · %d events dropped", m.traffic.missed)
	}
	lines := []string{st.Muted.Render(status)}
	header, rows := diagram(st, j.Layers(), hops, m.traffic.summariesOf(j), sel, w)
	maxRows := max(min(len(rows), h/2-2), 1)
	rowWin, first := window(rows, sel-maxRows/2, maxRows)
	lines = append(lines, header)
	*m.layout = journeyLayout{firstRow: len(lines), firstHop: first, rows: len(rowWin),
		contentKey: m.layout.contentKey, content: m.layout.content}
	lines = append(lines, rowWin...)
	lines = append(lines, st.Bold.Render(hopTitle(hops[sel], len(hops))))
	room := h - len(lines)
	if m.searching || m.query != "" {
		room--
	}
	content := m.content(hops, sel)
	body, off := window(content, m.offset, max(room, 0))
	if m.query != "" {
		body = highlight(st, body, m.query)
	}
	if off+len(body) < len(content) && len(body) > 0 {
		body[len(body)-1] = st.Muted.Render(fmt.Sprintf("… %d more lines (↓)", len(content)-off-len(body)+1))
	}
	lines = append(lines, body...)
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	switch {
	case m.searching:
		lines = append(lines, m.search.View())
	case m.notFound:
		lines = append(lines, st.Warn.Render(fmt.Sprintf("%q is in no hop held", m.query)))
	case m.query != "":
		lines = append(lines, st.Muted.Render(fmt.Sprintf("search: %q (/ then enter for the next)", m.query)))
	}
	return strings.Join(fit(strings.Join(lines, "\n"), w, h), "\n")
}

// content renders the selected hop, cached while nothing changes.
func (m journeyPanel) content(hops []trace.Hop, sel int) []string {
	h := hops[sel]
	k := fmt.Sprintf("%d/%d/%d/%d/%d/%s", m.jid, sel, len(h.Events), m.mode, m.com.Width, m.com.Styles.ID)
	if m.layout.contentKey != k {
		m.layout.contentKey = k
		m.layout.content = hopContent(m.com.Styles, hops, sel, m.mode, m.com.Width)
	}
	return m.layout.content
}

// highlight marks the query in lines that hold it, ignoring case.
func highlight(st *common.Styles, lines []string, q string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l
		if strings.Contains(strings.ToLower(stripANSI(l)), strings.ToLower(q)) {
			out[i] = st.Match.Render(stripANSI(l))
		}
	}
	return out
}

// ShortHelp is the panel's keys.
func (m journeyPanel) ShortHelp() []key.Binding {
	k := m.com.Keys
	return []key.Binding{k.HopPrev, k.HopNext, k.Diff, k.Hex, k.Explain, k.Search}
}
