package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/telnet"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// telnetPrompt is the console at the foot of the lesson screen: the
// commands the steps type and what telnet shows, the lab's own lines, and,
// once the lesson hands over, a telnet prompt of the learner's own. Each
// line goes out as typed with CR LF; up and down walk the history; the
// lesson's ready-made requests can be picked (ctrl+o); ^] opens telnet's
// prompt.
//
// The prompt never takes a key the learner did not mean for it: while its
// line is empty, space and n still run the next step, q quits, esc leaves
// the prompt (captures); the ready-made requests open only when asked.
type telnetPrompt struct {
	com      common.Common
	lines    []consoleLine
	partial  string // what telnet showed after its last line end
	out      pane
	commands *telnet.Commands

	open    bool // the lesson handed over a prompt
	layer   string
	addr    string
	session *telnet.Session
	pending []string // lines typed before the connection was up
	pendRaw []byte   // bytes of a ready-made request picked before it was up
	drill   bool     // the ready-made requests are a drill's malformed ones
	retry   string   // a line not sent as the connection had closed: enter again sends it on a new one
	// readyMade are the client addresses of connections a ready-made
	// request went out on: they solve no challenge. pendReady marks the
	// connection being made for one.
	readyMade map[string]bool
	pendReady bool

	input   textinput.Model
	history []string
	hist    int
	offers  []lessons.Offer
	picker  *picker // open while not nil
	escape  bool    // at telnet's own "telnet>" prompt
}

func newTelnetPrompt(com common.Common) telnetPrompt {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "type a request line; enter sends it with CR LF"
	return telnetPrompt{com: com, input: in, commands: &telnet.Commands{}, out: newPane(com.Keys, true)}
}

// SetSize sets the panel's inner size: the prompt's lines at the foot,
// the console above them.
func (m *telnetPrompt) SetSize(w, h int) {
	m.com.SetSize(w, h)
	m.input.SetWidth(max(w-len(m.layer)-3, 10))
	m.out.SetSize(w, max(h-len(m.foot()), 0))
}

// restyle draws the console again in the styles in use.
func (m *telnetPrompt) restyle() {
	m.redraw()
	if m.picker != nil {
		p := newPicker(m.com, m.offers, m.drill)
		p.list.Select(m.picker.list.Index())
		m.picker = &p
	}
}

// Wants returns how many lines the panel needs to show the prompt's foot
// and a few console lines above it.
func (m telnetPrompt) Wants() int { return len(m.foot()) + 4 }

// Focused reports whether the prompt is open and waiting for the learner.
func (m telnetPrompt) Focused() bool { return m.open && m.input.Focused() }

// Focus puts the cursor in the prompt.
func (m *telnetPrompt) Focus() tea.Cmd {
	if !m.open {
		return nil
	}
	return m.input.Focus()
}

// Blur takes the cursor out of the prompt and closes what it has open.
func (m *telnetPrompt) Blur() {
	m.input.Blur()
	m.picker = nil
}

// Captures reports whether the focused prompt takes msg for itself rather
// than leaving it to the screen: everything at telnet's own prompt and
// once a line is being typed; while the line is empty, all but the keys
// that run the next step, quit, leave, show the keys or move between
// panels. An open picker takes its own keys only.
func (m telnetPrompt) Captures(msg tea.KeyPressMsg) bool {
	k := m.com.Keys
	switch {
	case !m.Focused():
		return false
	case m.picker != nil:
		return key.Matches(msg, k.Up, k.Down, k.Send, k.Back, k.Offers)
	case m.escape, m.input.Value() != "":
		return !key.Matches(msg, k.Tab, k.ShiftTab)
	}
	return !key.Matches(msg, k.Next, k.Quit, k.Back, k.Help, k.Tab, k.ShiftTab)
}

// Typing reports whether the learner has started typing: every key is
// then theirs.
func (m telnetPrompt) Typing() bool {
	return m.Focused() && (m.escape || m.input.Value() != "")
}

// output shows one of the runner's outputs.
func (m *telnetPrompt) output(o runner.Output) {
	if o.Kind != runner.OutScreen {
		m.flushScreen()
	}
	switch o.Kind {
	case runner.OutStep:
		m.add(lineStep, "── "+o.Text)
	case runner.OutCommand:
		m.add(lineCommand, "$ "+o.Text)
	case runner.OutScreen:
		m.screen(o.Text)
	case runner.OutInfo:
		m.add(lineInfo, "lab: "+o.Text)
	case runner.OutLog:
		m.add(lineInfo, o.Layer+" logs: "+o.Text)
	case runner.OutCheck:
		if o.OK {
			m.add(lineOK, "✓ check: "+o.Text)
		} else {
			m.add(lineFailed, "✗ check FAILED: "+o.Text)
		}
	case runner.OutExplain:
		m.add(lineExplain, o.Text)
	case runner.OutVerdict:
		m.add(lineInfo, "lab: verdict: "+o.Text)
	case runner.OutTry:
		m.handOver(o)
	case runner.OutTurn:
		m.describeTurn(o)
	}
	m.out.Bottom()
}

// handOver opens the learner's prompt on a layer. It takes the cursor,
// but no key the learner means for the lesson (Captures), and opens no
// list: ctrl+o does.
func (m *telnetPrompt) handOver(o runner.Output) {
	m.open, m.layer, m.addr, m.offers, m.drill = true, o.Layer, o.Addr, o.Offers, o.Drill
	m.picker, m.escape, m.retry = nil, false, ""
	m.input.SetWidth(max(m.com.Width-len(m.layer)-3, 10))
	_, port := splitPort(o.Addr)
	if o.Drill {
		m.add(lineInfo, fmt.Sprintf("lab: break it. ctrl+o lists malformed requests to send to %s; the lab says which layer refused each and why.", o.Layer))
	}
	m.add(lineInfo, fmt.Sprintf("lab: your turn. This prompt is telnet localhost %s (%s): type a request, each line goes out with CR LF when you press enter. "+
		"Until you type, space still runs the next step; esc leaves the prompt, tab comes back to it.", port, o.Layer))
	if len(o.Offers) > 0 && !o.Drill {
		m.add(lineInfo, "lab: ctrl+o lists ready-made requests to send instead.")
	}
}

// describeTurn says, in a talk, what a learner would do at this step: the
// prompt does not open, as nobody types at the presenter's keyboard.
func (m *telnetPrompt) describeTurn(o runner.Output) {
	_, port := splitPort(o.Addr)
	m.add(lineInfo, fmt.Sprintf("lab: your turn, for the room: telnet localhost %s (%s) and type a request, such as:", port, o.Layer))
	for i, o := range o.Offers {
		for k, l := range (offerItem{offer: o}).what() {
			if k == 0 {
				l = fmt.Sprintf("%d. %s: %s", i+1, o.Label, l)
			}
			m.add(lineExplain, "  "+l)
		}
	}
}

// connected takes the prompt's new connection and sends what was typed
// while it was being made.
func (m *telnetPrompt) connected(s *telnet.Session) tea.Cmd {
	m.session = s
	if m.pendReady {
		m.markReady()
	}
	lines, raw := m.pending, m.pendRaw
	m.pending, m.pendRaw, m.pendReady = nil, nil, false
	switch {
	case raw != nil:
		return sendBytes(s, raw)
	case len(lines) > 0:
		return sendLine(s, lines...)
	}
	return nil
}

// ended notes that the prompt's connection ended.
func (m *telnetPrompt) ended() {
	m.flushScreen()
	if m.open {
		m.add(lineInfo, "lab: the connection is closed. A line you type next goes out on a new connection once you press enter twice.")
	}
}

// notSent says that lines did not go out, as the server had closed the
// connection: a line the learner typed comes back to the prompt, for
// enter to send on a new connection.
func (m *telnetPrompt) notSent(lines []string) {
	if len(lines) == 1 && m.input.Value() == "" {
		m.input.SetValue(lines[0])
		m.input.CursorEnd()
		m.retry = lines[0]
		m.add(lineInfo, fmt.Sprintf("lab: not sent: %s closed the connection first. Press enter again to send it on a new connection.", m.layer))
		return
	}
	m.add(lineInfo, fmt.Sprintf("lab: %s closed the connection: %d line(s) were not typed, as telnet had exited.", m.layer, len(lines)))
}

// connectedNow reports whether the prompt's connection is up.
func (m telnetPrompt) connectedNow() bool {
	if m.session == nil {
		return false
	}
	select {
	case <-m.session.Done():
		return false
	default:
		return true
	}
}

// dialMsg asks the lesson screen to connect the prompt.
type dialMsg struct{ addr string }

// Update handles keys, the mouse wheel and pastes: dial and send are
// asked of the lesson screen, which owns the lab, through the returned
// messages.
func (m telnetPrompt) Update(msg tea.Msg) (telnetPrompt, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		if m.Focused() {
			m.input, cmd = m.input.Update(msg)
		}
		return m, cmd
	}
	m.out, cmd = m.out.Update(msg)
	return m, cmd
}

func (m telnetPrompt) key(msg tea.KeyPressMsg) (telnetPrompt, tea.Cmd) {
	k := m.com.Keys
	var cmd tea.Cmd
	switch {
	case !m.Focused(), key.Matches(msg, k.PageUp, k.PageDown):
		m.out, cmd = m.out.Update(msg)
		return m, cmd
	case m.picker != nil:
		return m.keyPicking(msg)
	case m.escape:
		return m.keyEscape(msg)
	case key.Matches(msg, k.Escape):
		m.escape = true
		m.add(lineScreen, "^]")
		return m, nil
	case key.Matches(msg, k.Offers):
		m.openPicker()
		return m, nil
	case key.Matches(msg, k.HistoryUp):
		if m.hist > 0 {
			m.hist--
			m.input.SetValue(m.history[m.hist])
			m.input.CursorEnd()
		}
		return m, nil
	case key.Matches(msg, k.HistoryDown):
		if m.hist < len(m.history) {
			m.hist++
			v := ""
			if m.hist < len(m.history) {
				v = m.history[m.hist]
			}
			m.input.SetValue(v)
			m.input.CursorEnd()
		}
		return m, nil
	case key.Matches(msg, k.Send):
		cmd := m.enter()
		return m, cmd
	}
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

// openPicker lists the ready-made requests, if the lesson offers any.
func (m *telnetPrompt) openPicker() {
	if len(m.offers) == 0 {
		m.add(lineInfo, "lab: this step offers no ready-made request: type your own.")
		return
	}
	p := newPicker(m.com, m.offers, m.drill)
	m.picker = &p
}

// enter sends the line typed. On a connection the server has closed it
// is not sent at once: telnet would have exited, and a new connection
// is opened only when the learner asks, by pressing enter again. An empty
// line with no connection opens none: an idle connection would keep a
// server that serves one connection at a time from serving another.
func (m *telnetPrompt) enter() tea.Cmd {
	line := m.input.Value()
	switch {
	case m.connectedNow():
	case line == "":
		m.add(lineInfo, "lab: not connected: type a request line first; enter sends it on a new connection.")
		return nil
	case m.session != nil && m.retry != line:
		m.retry = line
		m.add(lineInfo, fmt.Sprintf("lab: not sent: %s closed the connection. Press enter again to send it on a new connection.", m.layer))
		return nil
	}
	m.retry = ""
	m.input.SetValue("")
	if line != "" && (len(m.history) == 0 || m.history[len(m.history)-1] != line) {
		m.history = append(m.history, line)
	}
	m.hist = len(m.history)
	return m.send(line)
}

// send types lines on the connection, connecting first when it is down.
func (m *telnetPrompt) send(lines ...string) tea.Cmd {
	m.out.Bottom()
	if m.connectedNow() {
		return sendLine(m.session, lines...)
	}
	m.pending = append(m.pending, lines...)
	return m.dial()
}

// dial says it connects, as telnet does, and asks for the connection.
func (m *telnetPrompt) dial() tea.Cmd {
	_, port := splitPort(m.addr)
	m.add(lineCommand, "$ telnet localhost "+port)
	addr := m.addr
	return func() tea.Msg { return dialMsg{addr} }
}

// sendOffer sends a ready-made request: its bytes in one write, or its
// lines typed; as a drill needs, each on a new connection when the last
// one has closed.
func (m *telnetPrompt) sendOffer(o lessons.Offer) tea.Cmd {
	if m.connectedNow() {
		m.markReady()
	} else {
		m.pendReady = true
	}
	if o.Data == nil {
		return m.send(o.Lines...)
	}
	m.out.Bottom()
	sends := fmt.Sprintf("(sends %d bytes in one write: %s)", len(o.Data), sendNotation(o.Data))
	if m.connectedNow() {
		m.add(lineCommand, sends)
		return sendBytes(m.session, o.Data)
	}
	m.pendRaw = o.Data
	dial := m.dial()
	m.add(lineCommand, sends)
	return dial
}

// markReady notes that a ready-made request goes out on the connection.
func (m *telnetPrompt) markReady() {
	if m.readyMade == nil {
		m.readyMade = map[string]bool{}
	}
	m.readyMade[m.session.LocalAddr().String()] = true
}

func splitPort(addr string) (host, port string) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return addr, ""
	}
	return addr[:i], addr[i+1:]
}

// keyPicking chooses a ready-made request.
func (m telnetPrompt) keyPicking(msg tea.KeyPressMsg) (telnetPrompt, tea.Cmd) {
	k := m.com.Keys
	switch {
	case key.Matches(msg, k.Send):
		o, ok := m.picker.Selected()
		m.picker = nil
		if !ok {
			return m, nil
		}
		cmd := m.sendOffer(o)
		return m, cmd
	case key.Matches(msg, k.Back, k.Offers):
		m.picker = nil
		return m, nil
	}
	p, cmd := m.picker.Update(msg)
	m.picker = &p
	return m, cmd
}

// keyEscape runs a command at telnet's own prompt, through the same
// interpreter as ngw2f-lab telnet: close, quit (which closes this prompt's
// connection: the lab goes on), status, send, toggle visible.
func (m telnetPrompt) keyEscape(msg tea.KeyPressMsg) (telnetPrompt, tea.Cmd) {
	if !key.Matches(msg, m.com.Keys.Send) {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	command := m.input.Value()
	m.input.SetValue("")
	m.add(lineScreen, "telnet> "+strings.TrimSpace(command))
	r := m.commands.Run(command, m.connectedNow(), "localhost")
	if r.Output != "" {
		m.add(lineScreen, strings.TrimSuffix(r.Output, "\n"))
	}
	m.escape = !r.Resume
	switch {
	case (r.Close || r.Quit) && m.connectedNow():
		return m, closePrompt(m.session)
	case r.Send != nil && m.connectedNow():
		return m, sendBytes(m.session, r.Send)
	}
	return m, nil
}

// foot returns the lines under the console: the picker, or the prompt
// and what it is connected to, wrapped to the panel.
func (m telnetPrompt) foot() []string {
	st := m.com.Styles
	w := m.com.Width
	switch {
	case !m.open:
		return nil
	case m.picker != nil:
		return m.picker.Lines(w)
	case m.escape:
		return []string{"telnet> " + m.input.View()}
	}
	state := "not connected: a line you type connects"
	switch {
	case m.connectedNow():
		state = "connected"
	case m.session != nil:
		state = "closed by " + m.layer + ": enter twice sends on a new connection"
	}
	help := fmt.Sprintf("%s · ↑/↓ history · ctrl+o ready-made requests · ^] telnet's prompt · esc leaves", state)
	if !m.Focused() {
		help = state + " · tab to the prompt to type"
	}
	return append([]string{st.Command.Render(m.layer+"> ") + m.input.View()}, wrap(st.Muted.Render(help), w)...)
}

// View draws the console's last lines and the prompt.
func (m telnetPrompt) View() string {
	lines := strings.Split(m.out.View(), "\n")
	return strings.Join(append(lines, m.foot()...), "\n")
}

// ShortHelp is the prompt's keys.
func (m telnetPrompt) ShortHelp() []key.Binding {
	k := m.com.Keys
	switch {
	case m.picker != nil:
		return []key.Binding{k.Up, k.Down, k.Send, k.Back}
	case m.Focused():
		return []key.Binding{k.Back, k.Send, k.Offers, k.HistoryUp, k.Escape}
	}
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown}
}
