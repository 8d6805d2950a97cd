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
	"github.com/ngw2f/ngw2f-lab/stack/visible"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// telnetPrompt is the console at the foot of the lesson screen: the
// commands the steps type and what telnet shows, the lab's own lines, and,
// once the lesson hands over, a telnet prompt of the learner's own. Each
// line goes out as typed with CR LF; up and down walk the history; the
// lesson's ready-made requests can be picked; ^] opens telnet's prompt.
type telnetPrompt struct {
	com     common.Common
	lines   []consoleLine
	partial string // what telnet showed after its last line end
	offset  int    // lines scrolled back from the bottom

	open    bool // the lesson handed over a prompt
	layer   string
	addr    string
	session *telnet.Session
	pending []string // lines typed before the connection was up
	pendRaw []byte   // bytes of a ready-made request picked before it was up
	drill   bool     // the ready-made requests are a drill's malformed ones
	// readyMade are the client addresses of connections a ready-made
	// request went out on: they solve no challenge. pendReady marks the
	// connection being made for one.
	readyMade map[string]bool
	pendReady bool

	input    textinput.Model
	history  []string
	hist     int
	offers   []lessons.Offer
	picking  bool
	pick     int
	escape   bool // at telnet's own "telnet>" prompt
	commands *telnet.Commands
}

func newTelnetPrompt(com common.Common) telnetPrompt {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "type a request line, enter sends it with CR LF"
	return telnetPrompt{com: com, input: in, commands: &telnet.Commands{}}
}

// SetSize sets the panel's inner size.
func (m *telnetPrompt) SetSize(w, h int) {
	m.com.SetSize(w, h)
	m.input.SetWidth(max(w-10, 10))
}

// Typing reports whether printable keys go to the prompt.
func (m telnetPrompt) Typing() bool { return m.open }

// screen appends what telnet showed, made safe: control bytes spelled
// out, and CR and LF too when telnet's toggle visible is on.
func (m *telnetPrompt) screen(text string) {
	if m.commands.Visible {
		text = strings.ReplaceAll(visible.Bytes([]byte(text)), `\n`, `\n`+"\n")
	} else {
		text = visible.Screen(text)
	}
	text = m.partial + text
	parts := strings.Split(text, "\n")
	m.partial = parts[len(parts)-1]
	for _, p := range parts[:len(parts)-1] {
		m.add(lineScreen, p)
	}
}

// flushScreen ends a screen line that had no line end.
func (m *telnetPrompt) flushScreen() {
	if m.partial != "" {
		m.add(lineScreen, m.partial)
		m.partial = ""
	}
}

// output shows one of the runner's outputs.
func (m *telnetPrompt) output(o runner.Output) tea.Cmd {
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
		return m.handOver(o)
	}
	m.offset = 0
	return nil
}

// handOver opens the learner's prompt on a layer.
func (m *telnetPrompt) handOver(o runner.Output) tea.Cmd {
	m.open, m.layer, m.addr, m.offers, m.drill = true, o.Layer, o.Addr, o.Offers, o.Drill
	m.picking, m.pick, m.escape = len(o.Offers) > 0, 0, false
	if o.Drill {
		m.add(lineInfo, fmt.Sprintf("lab: break it. Pick a malformed request to send to %s; the lab says which layer refused it and why.", o.Layer))
	}
	m.add(lineInfo, fmt.Sprintf("lab: your turn. This prompt is telnet to %s: each line you type goes out with CR LF.", o.Layer))
	return m.input.Focus()
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
		m.add(lineInfo, "lab: the connection is closed; press enter to connect again.")
	}
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

// Update handles keys: dial and send are asked of the lesson screen,
// which owns the lab, through the returned messages.
func (m telnetPrompt) Update(msg tea.Msg) (telnetPrompt, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			m.offset = min(m.offset+3, max(len(m.lines)-1, 0))
		} else if msg.Button == tea.MouseWheelDown {
			m.offset = max(m.offset-3, 0)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		if m.open {
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return m, cmd
		}
	}
	return m, nil
}

// dialMsg asks the lesson screen to connect the prompt.
type dialMsg struct{ addr string }

func (m telnetPrompt) key(msg tea.KeyPressMsg) (telnetPrompt, tea.Cmd) {
	k := m.com.Keys
	switch {
	case key.Matches(msg, k.PageUp):
		m.offset = min(m.offset+m.com.Height/2, max(len(m.lines)-1, 0))
		return m, nil
	case key.Matches(msg, k.PageDown):
		m.offset = max(m.offset-m.com.Height/2, 0)
		return m, nil
	case !m.open:
		switch {
		case key.Matches(msg, k.Up):
			m.offset = min(m.offset+1, max(len(m.lines)-1, 0))
		case key.Matches(msg, k.Down):
			m.offset = max(m.offset-1, 0)
		}
		return m, nil
	case m.picking:
		return m.keyPicking(msg)
	case m.escape:
		return m.keyEscape(msg)
	}
	switch {
	case key.Matches(msg, k.Escape):
		m.escape = true
		m.add(lineScreen, "^]")
		return m, nil
	case key.Matches(msg, k.Offers):
		m.picking = len(m.offers) > 0
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
		line := m.input.Value()
		m.input.SetValue("")
		if line != "" && (len(m.history) == 0 || m.history[len(m.history)-1] != line) {
			m.history = append(m.history, line)
		}
		m.hist = len(m.history)
		cmd := m.send(line)
		return m, cmd
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

// send types lines on the connection, connecting first when it is down.
func (m *telnetPrompt) send(lines ...string) tea.Cmd {
	m.offset = 0
	if m.connectedNow() {
		return sendLine(m.session, lines...)
	}
	for _, l := range lines {
		if l != "" || len(m.pending) > 0 || len(lines) > 1 {
			m.pending = append(m.pending, l)
		}
	}
	_, port := splitPort(m.addr)
	m.add(lineCommand, "$ telnet localhost "+port)
	addr := m.addr
	return func() tea.Msg { return dialMsg{addr} }
}

// sendRaw sends a ready-made request's bytes in one write, connecting
// first when the connection is down, as a drill needs: each of its
// requests on a fresh connection is the usual case.
func (m *telnetPrompt) sendRaw(data []byte) tea.Cmd {
	m.offset = 0
	m.add(lineCommand, fmt.Sprintf("(sends %d bytes in one write: %s)", len(data), visible.Elide(visible.Bytes(data), 60)))
	if m.connectedNow() {
		return sendBytes(m.session, data)
	}
	m.pendRaw = data
	_, port := splitPort(m.addr)
	m.add(lineCommand, "$ telnet localhost "+port)
	addr := m.addr
	return func() tea.Msg { return dialMsg{addr} }
}

// markReady notes that a ready-made request goes out on the connection.
func (m *telnetPrompt) markReady() {
	if m.readyMade == nil {
		m.readyMade = map[string]bool{}
	}
	m.readyMade[m.session.LocalAddr().String()] = true
}

// cutRunes shortens s to n runes, marking the cut with an ellipsis.
func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
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
	case key.Matches(msg, k.Up):
		m.pick = max(m.pick-1, 0)
	case key.Matches(msg, k.Down):
		m.pick = min(m.pick+1, len(m.offers)-1)
	case key.Matches(msg, k.Send):
		m.picking = false
		o := m.offers[m.pick]
		if m.connectedNow() {
			m.markReady()
		} else {
			m.pendReady = true
		}
		if o.Data != nil {
			return m, m.sendRaw(o.Data)
		}
		cmd := m.send(o.Lines...)
		return m, cmd
	case msg.String() == "esc", key.Matches(msg, k.Offers):
		m.picking = false
	}
	return m, nil
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

// View draws the console's last lines and the prompt.
func (m telnetPrompt) View() string {
	st := m.com.Styles
	h := m.com.Height
	var foot []string
	switch {
	case m.open && m.picking:
		foot = append(foot, st.Muted.Render("Ready-made requests (↑/↓, enter sends; esc to type your own):"))
		for i, o := range m.offers {
			what := strings.Join(o.Lines, " ⏎ ")
			if o.Data != nil {
				what = visible.Bytes(o.Data)
			}
			l := cutRunes(fmt.Sprintf("%d. %s: %s", i+1, o.Label, what), max(m.com.Width-2, 20))
			if i == m.pick {
				l = st.Selected.Render("▶ " + l)
			} else {
				l = "  " + l
			}
			foot = append(foot, l)
		}
	case m.open && m.escape:
		foot = append(foot, "telnet> "+m.input.View())
	case m.open:
		state := "not connected: enter connects"
		if m.connectedNow() {
			state = "connected"
		}
		foot = append(foot, st.Command.Render(m.layer+"> ")+m.input.View(), st.Muted.Render(
			fmt.Sprintf("  %s · ↑/↓ history · ctrl+o ready-made requests · ^] telnet's prompt · esc leaves the prompt", state)))
	}
	room := max(h-len(foot), 0)
	lines := m.wrapNotices()
	if m.partial != "" {
		lines = append(lines[:len(lines):len(lines)], consoleLine{lineScreen, m.partial})
	}
	end := max(len(lines)-m.offset, 0)
	start := max(end-room, 0)
	var out []string
	for _, l := range lines[start:end] {
		out = append(out, m.style(l))
	}
	for len(out) < room {
		out = append([]string{""}, out...)
	}
	return strings.Join(append(out, foot...), "\n")
}

// ShortHelp is the prompt's keys.
func (m telnetPrompt) ShortHelp() []key.Binding {
	k := m.com.Keys
	if m.open {
		return []key.Binding{k.Send, k.HistoryUp, k.HistoryDown, k.Offers, k.Escape, k.Back}
	}
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown}
}
