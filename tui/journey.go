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
// learner picks a hop, and follows again once they run a step or send a
// request (Follow), or press L; while it does not, it says so. Earlier
// journeys stay browsable, hop by hop.
type journeyPanel struct {
	com     common.Common
	traffic *traffic
	jid     int // the selected journey's ID; 0 for none yet
	hop     int // the selected hop's index in it
	follow  bool
	mode    hopMode

	searching bool
	search    textinput.Model
	query     string
	notFound  bool

	layout *journeyLayout
}

// journeyLayout remembers where the last View put the hop rows, so that a
// click can select a hop, and holds the selected hop's content in a
// pane, drawn again only when the hop, the mode, the width or the styles
// change.
type journeyLayout struct {
	firstRow   int
	rowHop     []int // the hop each row shown is about
	contentKey string
	content    pane
}

func newJourneyPanel(com common.Common, t *traffic) journeyPanel {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "text to find in the hops"
	return journeyPanel{com: com, traffic: t, follow: true, search: in,
		layout: &journeyLayout{content: newPane(com.Keys, false)}}
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

// Follow makes the panel follow the newest journey again: a step runs, or
// the learner sends a request, and they expect to see it.
func (m *journeyPanel) Follow() {
	m.follow = true
	m.sync()
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
		return len(e.Fields) > 0 || len(e.Data) > 0 || e.Omitted > 0
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
			m.Follow()
		case key.Matches(msg, k.Diff):
			m.mode = toggle(m.mode, modeDiff)
		case key.Matches(msg, k.Hex):
			m.mode = toggle(m.mode, modeHex)
		case key.Matches(msg, k.Search):
			m.searching = true
			m.search.SetValue(m.query)
			cmd := m.search.Focus()
			return m, cmd
		default:
			m.layout.content, _ = m.layout.content.Update(msg)
		}
	case tea.MouseWheelMsg:
		m.layout.content, _ = m.layout.content.Update(msg)
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
	m.follow = false
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
	m.follow, m.jid, m.hop = false, js[i].ID, 0
}

func indexOfJourney(js []*trace.Journey, id int) int {
	for i, j := range js {
		if j.ID == id {
			return i
		}
	}
	return len(js) - 1
}

// click selects the hop whose row is row y of the panel.
func (m *journeyPanel) click(y int) {
	l := m.layout
	if i := y - l.firstRow; i >= 0 && i < len(l.rowHop) {
		m.follow = false
		m.hop = l.rowHop[i]
	}
}

// updateSearch types into the search box; enter finds the next hop whose
// text holds the query, in this journey and the ones after it.
func (m journeyPanel) updateSearch(msg tea.Msg) (journeyPanel, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, m.com.Keys.Back):
			m.searching = false
			m.search.Blur()
			return m, nil
		case key.Matches(msg, m.com.Keys.Send):
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
				m.follow, m.jid, m.hop = false, j.ID, i
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

// status says which journey is shown and whether the panel follows the
// newest: when it does not, how many came since and which key follows.
func (m journeyPanel) status(j *trace.Journey, hops int) string {
	st := m.com.Styles
	js := m.traffic.journeys()
	at := indexOfJourney(js, j.ID)
	hopWord := "hops"
	if hops == 1 {
		hopWord = "hop"
	}
	// "kept", not "held": in a talk's hop by hop mode a held request is
	// one waiting at a hop.
	s := st.Muted.Render(fmt.Sprintf("journey %d (%d of %d kept) · %d %s", j.ID, at+1, len(js), hops, hopWord))
	if m.follow {
		s += st.Muted.Render(" · following the newest")
	} else {
		newer := ""
		if n := len(js) - 1 - at; n > 0 {
			newer = fmt.Sprintf(", %d newer", n)
		}
		s += st.Warn.Render(fmt.Sprintf(" · not following%s: L follows the newest", newer))
	}
	if m.traffic.missed > 0 {
		s += st.Warn.Render(fmt.Sprintf(" · %d events dropped", m.traffic.missed))
	}
	return s
}

// View draws the journey's hops, the selected hop's title and its
// content: the hops as a sequence diagram where every arrow's label fits,
// else as a list, one hop a line.
func (m journeyPanel) View() string {
	st := m.com.Styles
	w, h := m.com.Width, m.com.Height
	if w < 4 || h < 1 {
		return "" // not laid out: the panel is not shown
	}
	j, hops, sel := m.Selected()
	if j == nil {
		m.layout.rowHop = nil
		return strings.Join(fit(st.Muted.Render("No request yet. Run a step (space) or type one in the telnet prompt: every hop of its journey shows here, live."), w, h), "\n")
	}
	lines := wrap(m.status(j, len(hops)), w)
	var rows [][]string
	summaries := m.traffic.summariesOf(j)
	if header, drawn, ok := diagram(st, j.Layers(), hops, summaries, sel, w); ok {
		lines = append(lines, header)
		for _, r := range drawn {
			rows = append(rows, []string{r})
		}
	} else {
		rows = hopList(st, hops, summaries, sel, w)
	}
	// The hops get half the panel, or all but a title and six lines of
	// content where that is more: a long journey shows most of its hops.
	shown, rowHop := rowWindow(rows, sel, max(h/2-len(lines), h-len(lines)-7, 2))
	m.layout.firstRow, m.layout.rowHop = len(lines), rowHop
	lines = append(lines, shown...)
	title := wrap(st.Bold.Render(hopTitle(hops[sel], len(hops))), w)
	foot := m.searchLine()
	room := max(h-len(lines)-len(title)-len(foot), 1)
	content := m.content(hops, sel, w, room)
	if n := content.Below(); n > 0 {
		more := st.Muted.Render(fmt.Sprintf(" · ↓ %d more", n))
		title = wrap(st.Bold.Render(hopTitle(hops[sel], len(hops)))+more, w)
	}
	lines = append(lines, title...)
	lines = append(lines, strings.Split(content.View(), "\n")...)
	return strings.Join(fit(strings.Join(append(lines, foot...), "\n"), w, h), "\n")
}

// rowWindow picks the hops' rows around hop sel that fit in room lines,
// and says which hop each line shown is about.
func rowWindow(rows [][]string, sel, room int) ([]string, []int) {
	lo, hi := sel, sel+1
	used := len(rows[sel])
	for grew := true; grew; {
		grew = false
		if hi < len(rows) && used+len(rows[hi]) <= room {
			used += len(rows[hi])
			hi++
			grew = true
		}
		if lo > 0 && used+len(rows[lo-1]) <= room {
			lo--
			used += len(rows[lo])
			grew = true
		}
	}
	var lines []string
	var hopOf []int
	for i := lo; i < hi; i++ {
		for _, l := range rows[i] {
			lines = append(lines, l)
			hopOf = append(hopOf, i)
		}
	}
	return lines, hopOf
}

// searchLine is the search box, or what the last search found.
func (m journeyPanel) searchLine() []string {
	st := m.com.Styles
	switch {
	case m.searching:
		return []string{m.search.View()}
	case m.notFound:
		return wrap(st.Warn.Render(fmt.Sprintf("%q is in no hop held", m.query)), m.com.Width)
	case m.query != "":
		return wrap(st.Muted.Render(fmt.Sprintf("search: %q (/ then enter for the next)", m.query)), m.com.Width)
	}
	return nil
}

// content returns the pane of the selected hop's content, sized to w x h,
// drawn again only when the hop or how it is shown changed.
func (m journeyPanel) content(hops []trace.Hop, sel, w, h int) *pane {
	c := &m.layout.content
	c.SetSize(w, h)
	k := fmt.Sprintf("%d/%d/%d/%d/%d/%s/%s", m.jid, sel, len(hops[sel].Events), m.mode, w, m.com.Styles.ID, m.query)
	if m.layout.contentKey != k {
		lines := hopContent(m.com.Styles, hops, sel, m.mode, w)
		if m.query != "" {
			lines = highlight(m.com.Styles, lines, m.query)
		}
		if !strings.HasPrefix(m.layout.contentKey, fmt.Sprintf("%d/%d/", m.jid, sel)) {
			c.Top() // another hop: from its start
		}
		m.layout.contentKey = k
		c.SetLines(lines)
	}
	return c
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
	keys := []key.Binding{k.HopPrev, k.HopNext, k.Latest, k.Diff, k.Hex, k.Explain, k.Search}
	if m.follow {
		keys = append(keys[:2], keys[3:]...)
	}
	return keys
}
