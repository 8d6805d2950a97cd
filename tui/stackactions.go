package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// The keys that act on the stack's layers (K, r, s, T) and on the
// selected journey (y).

// killWorker kills a worker of the selected layer, or of the first layer
// that has workers: the pre-fork server's master then starts another,
// and says so in the console, as the lesson's own kill step shows.
func (m lessonScreen) killWorker() (lessonScreen, tea.Cmd) {
	rows := m.stack.rows
	pick := -1
	if r, ok := m.stack.Selected(); ok && r.running && len(r.pids) > 1 {
		pick = m.stack.selected
	}
	for i := 0; pick < 0 && i < len(rows); i++ {
		if rows[i].running && len(rows[i].pids) > 1 {
			pick = i
		}
	}
	if pick < 0 {
		m.status = "no worker to kill: the pre-fork server (lesson 3) has them"
		return m, nil
	}
	r := rows[pick]
	workers := r.pids[1:]
	pid := workers[m.killNext%len(workers)]
	m.killNext++
	m.status = fmt.Sprintf("killing %s worker %d (SIGKILL); the console shows its master replace it", r.name, pid)
	return m, m.lab.kill(r.name, pid)
}

// restartLayer restarts the selected layer.
func (m lessonScreen) restartLayer() (lessonScreen, tea.Cmd) {
	r, ok := m.stack.Selected()
	if !ok || !r.running {
		m.status = "no layer runs to restart: s starts a stopped one"
		return m, nil
	}
	if m.running >= 0 {
		m.status = fmt.Sprintf("wait: step %d is still running", m.running+1)
		return m, nil
	}
	m.stack.busy[r.name] = "restarting"
	m.status = "restarting " + r.name + "…"
	return m, m.lab.restart(r.name)
}

// stopStartLayer stops the selected layer, or starts it again where it
// was stopped: what a lesson asks for when it says to stop a server. The
// lab's layers run in the lab's own process or are its children, so a
// kill of a PID from the screen would stop the whole lab.
func (m lessonScreen) stopStartLayer() (lessonScreen, tea.Cmd) {
	r, ok := m.stack.Selected()
	switch {
	case !ok:
		m.status = "no layer to stop or start: the lesson's steps start them"
		return m, nil
	case m.running >= 0:
		m.status = fmt.Sprintf("wait: step %d is still running", m.running+1)
		return m, nil
	case r.running:
		m.stack.busy[r.name] = "stopping"
		m.status = "stopping " + r.name + "… (s starts it again)"
		return m, m.lab.stopLayer(r.name)
	}
	m.stack.busy[r.name] = "starting"
	m.status = "starting " + r.name + " again…"
	return m, m.lab.startLayer(r.name)
}

// rawTelnet opens ngw2f-lab telnet on the selected layer.
func (m lessonScreen) rawTelnet() (lessonScreen, tea.Cmd) {
	r, ok := m.stack.Selected()
	if !ok || !r.running {
		m.status = "no layer runs to connect to: run the step that starts one"
		return m, nil
	}
	m.status = "ngw2f-lab telnet " + r.addr + ": back here when it exits"
	if m.prompt.connectedNow() && m.prompt.addr == r.addr {
		m.status += fmt.Sprintf(". The prompt's connection to %s is still open: a server that serves one connection at a time answers the client only once it closes (^] close)", r.name)
	}
	return m, runRawClient(m.lab.ctx, r.addr)
}

// copyCurl shows the command that resends the selected journey's request
// and puts it on the clipboard, where the terminal lets it.
func (m lessonScreen) copyCurl() (lessonScreen, tea.Cmd) {
	j, _, _ := m.journey.Selected()
	if j == nil {
		m.status = "no journey selected to copy"
		return m, nil
	}
	c, cmd, ok := copyAsCurl(j)
	if !ok {
		m.status = "this journey has no request from a client to copy"
		return m, nil
	}
	what := "journey %d's request as curl"
	if !c.Curl {
		what = "curl cannot send journey %d's bytes (" + c.Why + "); this does"
	}
	m.prompt.add(lineInfo, fmt.Sprintf("lab: "+what+". It is on the clipboard if the terminal takes OSC 52 "+
		"(in tmux: set -g set-clipboard on); else select it here, with shift held while the mouse drags:", j.ID))
	for _, l := range shellLines(c.Line, m.prompt.com.Width) {
		m.prompt.add(lineCommand, l)
	}
	m.status = "copied as a command: the console shows it"
	return m, cmd
}
