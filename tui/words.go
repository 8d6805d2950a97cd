package tui

import (
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons/glossary"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// wordItem is a glossary entry in the glossary box.
type wordItem struct{ glossary.Entry }

func (w wordItem) FilterValue() string { return w.Term + " " + w.Kind.String() }

// wordDelegate draws an entry as its kind and term, one line.
type wordDelegate struct{ st *common.Styles }

func (d wordDelegate) Height() int                         { return 1 }
func (d wordDelegate) Spacing() int                        { return 0 }
func (d wordDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }
func (d wordDelegate) Render(w io.Writer, m list.Model, i int, item list.Item) {
	e := item.(wordItem)
	line := fmt.Sprintf("%-15s %s", e.Kind, e.Term)
	if i == m.Index() {
		io.WriteString(w, d.st.Selected.Render("▶ "+line))
		return
	}
	io.WriteString(w, "  "+line)
}

// glossaryBox is the lab's glossary over the lesson screen (i): every
// header, status, request-line part, environ key and hand-off field it
// explains, to browse or filter (/), and the selected one's meaning. The
// explain panel (e) shows the same words for the terms of a hop.
type glossaryBox struct {
	com  common.Common
	list list.Model
}

func newGlossaryBox(com common.Common) glossaryBox {
	entries := glossary.All()
	items := make([]list.Item, len(entries))
	for i, e := range entries {
		items[i] = wordItem{e}
	}
	l := newList(com.Keys, wordDelegate{st: com.Styles})
	l.SetFilteringEnabled(true)
	l.SetShowFilter(true)
	l.FilterInput.Prompt = "filter: "
	l.SetItems(items)
	b := glossaryBox{com: com, list: l}
	b.SetSize(com.Width, com.Height)
	return b
}

// width is the box's inner width.
func (m glossaryBox) width() int { return min(m.com.Width-8, 92) }

// SetSize fits the box to a screen of w x h.
func (m *glossaryBox) SetSize(w, h int) {
	m.com.SetSize(w, h)
	m.list.SetSize(m.width(), max(h-16, 4))
}

// Captures reports whether the filter is being typed: every key is then
// the filter's.
func (m glossaryBox) Captures() bool { return m.list.SettingFilter() }

// Update moves through the entries and filters them.
func (m *glossaryBox) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.list, cmd = m.list.Update(msg)
	return cmd
}

// View draws the box: the entries, and the selected one's meaning.
func (m glossaryBox) View() string {
	st := m.com.Styles
	w := m.width()
	lines := []string{st.Header.Render("Glossary"), ""}
	lines = append(lines, strings.Split(m.list.View(), "\n")...)
	lines = append(lines, "")
	if e, ok := m.list.SelectedItem().(wordItem); ok {
		lines = append(lines, wrap(st.Bold.Render(e.Term)+st.Muted.Render(" ("+e.Kind.String()+")"), w)...)
		lines = append(lines, wrap(e.Meaning, w)...)
	} else {
		lines = append(lines, st.Muted.Render("no entry matches the filter"))
	}
	lines = append(lines, "", st.Muted.Render("↑/↓ choose · / filters · esc closes"))
	return st.ErrBox.BorderForeground(st.OK.GetForeground()).Width(w + 4).Render(strings.Join(lines, "\n"))
}
