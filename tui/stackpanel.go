package tui

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// pollInterval is how often the stack panel asks the layers for their
// addresses and processes, to see a worker die and be replaced.
const pollInterval = 300 * time.Millisecond

// layerInfo is what one running layer says of itself.
type layerInfo struct {
	name   string
	addr   string
	pids   []int
	halted string // why the layer stopped by itself, if it did
	crash  string // how its last process that ended on its own ended
	real   string // the real program it runs, " · " and its file; "" for the lab's own
}

// stackMsg is the running layers, in the order they started.
type stackMsg struct{ layers []layerInfo }

// pollStack reads the stack after a pause, off the Update loop: a layer's
// PIDs may take a lock.
func pollStack(s *stack.Stack, wait time.Duration) tea.Cmd {
	return tea.Tick(wait, func(time.Time) tea.Msg { return snapshot(s) })
}

func snapshot(s *stack.Stack) stackMsg {
	var m stackMsg
	for _, l := range s.Layers() {
		info := layerInfo{name: l.Name(), pids: l.PIDs()}
		if a := l.Addr(); a != nil {
			info.addr = a.String()
		}
		if p, ok := l.(stack.RealProgram); ok {
			info.real = p.Program() + " · " + p.Executable()
		}
		if c, ok := l.(stack.CrashReporter); ok {
			info.crash = c.LastCrash()
		}
		if h, ok := l.(stack.Halter); ok {
			if err := h.Halted(); err != nil {
				info.halted = err.Error()
			}
		}
		m.layers = append(m.layers, info)
	}
	return m
}

// layerRow is one row of the stack panel.
type layerRow struct {
	layerInfo
	running bool
	note    string // what changed last ("pid 4012 gone; 4031 took its place")
}

// stackPanel shows every layer the lesson started: what it mirrors, its
// state, address, processes and the requests it served.
type stackPanel struct {
	com      common.Common
	rows     []layerRow
	selected int
	served   map[string]int
	busy     map[string]string // layer -> what is being done to it
}

func newStackPanel(com common.Common) stackPanel {
	return stackPanel{com: com, busy: map[string]string{}}
}

// SetSize sets the panel's inner size.
func (m *stackPanel) SetSize(w, h int) { m.com.SetSize(w, h) }

// Wants returns how many lines the panel needs to show every layer.
func (m stackPanel) Wants() int { lines, _ := m.lines(); return len(lines) }

// apply takes a new snapshot of the stack.
func (m *stackPanel) apply(s stackMsg) {
	seen := map[string]bool{}
	for _, l := range s.layers {
		seen[l.name] = true
		i := slices.IndexFunc(m.rows, func(r layerRow) bool { return r.name == l.name })
		if i < 0 {
			m.rows = append(m.rows, layerRow{layerInfo: l, running: true})
			continue
		}
		r := &m.rows[i]
		if note := pidChange(r.pids, l.pids); note != "" && r.running {
			r.note = note
		}
		if l.crash != "" && l.crash != r.crash {
			r.note = l.crash // what the new PID replaced, and why
		}
		r.layerInfo, r.running = l, true
	}
	for i := range m.rows {
		if !seen[m.rows[i].name] {
			m.rows[i].running = false
		}
	}
	m.selected = min(m.selected, max(len(m.rows)-1, 0))
}

// pidChange says which workers went away and which came.
func pidChange(old, cur []int) string {
	var gone, came []string
	for _, p := range old {
		if !slices.Contains(cur, p) {
			gone = append(gone, fmt.Sprint(p))
		}
	}
	for _, p := range cur {
		if !slices.Contains(old, p) {
			came = append(came, fmt.Sprint(p))
		}
	}
	switch {
	case len(gone) > 0 && len(came) > 0:
		place := "took its place"
		if len(gone) > 1 || len(came) > 1 {
			place = "took their places"
		}
		return fmt.Sprintf("%s gone; %s %s", pids(gone), strings.Join(came, ", "), place)
	case len(gone) > 0:
		return pids(gone) + " gone"
	case len(came) > 0 && len(old) > 0:
		return pids(came) + " started"
	}
	return ""
}

// pids names one PID or several: "pid 4012", "pids 4012, 4031".
func pids(ps []string) string {
	if len(ps) == 1 {
		return "pid " + ps[0]
	}
	return "pids " + strings.Join(ps, ", ")
}

// Selected returns the selected layer, if any runs.
func (m stackPanel) Selected() (layerRow, bool) {
	if m.selected < len(m.rows) {
		return m.rows[m.selected], true
	}
	return layerRow{}, false
}

// Update moves the selection.
func (m stackPanel) Update(msg tea.Msg) (stackPanel, tea.Cmd) {
	m.selected = moveSelection(msg, m.com.Keys, m.selected, len(m.rows))
	return m, nil
}

// View draws the layers, a few lines each, every line wrapped to the
// panel: no address or PID is ever cut off. When they do not all fit,
// the lines around the selected layer show.
func (m stackPanel) View() string {
	lines, at := m.lines()
	win, _ := window(lines, at-m.com.Height/3, m.com.Height)
	return strings.Join(win, "\n")
}

// lines draws every layer: its name, state, address and the requests it
// served; its processes when it has some of its own; and what changed in
// them last. It returns the lines and where the selected layer starts.
func (m stackPanel) lines() ([]string, int) {
	st := m.com.Styles
	w := m.com.Width
	if len(m.rows) == 0 {
		return wrap(st.Muted.Render("no layer runs yet: the lesson's steps start them"), w), 0
	}
	var lines []string
	at := 0
	for i, r := range m.rows {
		state, style := "running", st.OK
		switch {
		case m.busy[r.name] != "":
			state, style = m.busy[r.name], st.Warn
		case r.halted != "":
			state, style = "halted", st.Failed
			r.note = r.halted
		case !r.running:
			state, style = "stopped", st.Muted
		}
		addr := r.addr
		if !r.running || r.halted != "" {
			addr = "-"
		}
		mark := "  "
		if i == m.selected {
			mark, at = "▶ ", len(lines)
		}
		first := fmt.Sprintf("%s%-9s %s %-16s served %d", mark, r.name, style.Render(fmt.Sprintf("%-8s", state)), addr, m.served[r.name])
		inLab := len(r.pids) == 1 && r.pids[0] == os.Getpid()
		if inLab {
			first += st.Muted.Render(" · in the lab's process")
		}
		lines = append(lines, wrap(first, w)...)
		var more []string
		if len(r.pids) > 0 && !inLab && r.running {
			more = append(more, processes(r.pids))
		}
		if r.note != "" {
			more = append(more, st.Warn.Render(r.note))
		}
		for _, l := range more {
			lines = append(lines, wrap("    "+l, w)...)
		}
	}
	return lines, at
}

// processes describes a layer's processes of its own: one, or a master
// and its workers.
func processes(pids []int) string {
	if len(pids) == 1 {
		return fmt.Sprintf("pid %d", pids[0])
	}
	w := make([]string, len(pids)-1)
	for i, p := range pids[1:] {
		w[i] = fmt.Sprint(p)
	}
	return fmt.Sprintf("master %d, workers %s", pids[0], strings.Join(w, " "))
}

// ShortHelp is the panel's keys.
func (m stackPanel) ShortHelp() []key.Binding {
	k := m.com.Keys
	return []key.Binding{k.Up, k.Down, k.Kill, k.Restart}
}
