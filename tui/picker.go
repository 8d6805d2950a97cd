package tui

import (
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// newList returns a bubbles list that moves with the lab's keys and draws
// its items and nothing else: no title, status bar, pagination or help of
// its own, and no quit key.
func newList(keys *common.KeyMap, d list.ItemDelegate) list.Model {
	l := list.New(nil, d, 0, 0)
	l.SetShowTitle(false)
	l.SetShowStatusBar(false)
	l.SetShowHelp(false)
	l.SetShowPagination(false)
	l.SetFilteringEnabled(false)
	l.DisableQuitKeybindings()
	off := key.NewBinding(key.WithDisabled())
	l.KeyMap = list.KeyMap{
		CursorUp: keys.Up, CursorDown: keys.Down, PrevPage: keys.PageUp, NextPage: keys.PageDown,
		GoToStart: keys.Top, GoToEnd: keys.Bottom, Filter: keys.Filter, ClearFilter: keys.Back,
		CancelWhileFiltering: keys.Back, AcceptWhileFiltering: keys.Open,
		ShowFullHelp: off, CloseFullHelp: off, Quit: off, ForceQuit: off,
	}
	return l
}

// offerItem is a ready-made request in the picker.
type offerItem struct {
	n     int
	offer lessons.Offer
}

func (o offerItem) FilterValue() string { return o.offer.Label }

// what says what the request sends: its bytes in one write, as the
// lesson writes them (a long run of one byte as "b"*8200), or the lines
// it types, each then sent with CR LF.
func (o offerItem) what() []string {
	if o.offer.Data != nil {
		return []string{"sends " + sendNotation(o.offer.Data) + " in one write"}
	}
	out := []string{"types, each line sent with CR LF:"}
	for _, l := range o.offer.Lines {
		out = append(out, "  > "+l)
	}
	return out
}

// sendNotation writes bytes as a lesson's send line does: Go-quoted
// strings joined by +, a long run of one byte as "b"*8200: whole, and
// short enough to read.
func sendNotation(data []byte) string {
	return strings.TrimPrefix(lessons.Action{Verb: lessons.Send, Data: data}.Text(), string(lessons.Send)+" ")
}

// offerDelegate draws an offer as its number and label, one line, and
// the selected one marked.
type offerDelegate struct{ st *common.Styles }

func (d offerDelegate) Height() int                         { return 1 }
func (d offerDelegate) Spacing() int                        { return 0 }
func (d offerDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }
func (d offerDelegate) Render(w io.Writer, m list.Model, i int, item list.Item) {
	o := item.(offerItem)
	line := fmt.Sprintf("%d. %s", o.n, o.offer.Label)
	if i == m.Index() {
		io.WriteString(w, d.st.Selected.Render("▶ "+line))
		return
	}
	io.WriteString(w, "  "+line)
}

// picker is the lesson's ready-made requests, for the learner to pick one
// (ctrl+o): the labels in a list, and under it the selected request's
// bytes, whole, wrapped to the panel.
type picker struct {
	com   common.Common
	list  list.Model
	drill bool
}

func newPicker(com common.Common, offers []lessons.Offer, drill bool) picker {
	items := make([]list.Item, len(offers))
	for i, o := range offers {
		items[i] = offerItem{n: i + 1, offer: o}
	}
	l := newList(com.Keys, offerDelegate{st: com.Styles})
	l.SetItems(items)
	return picker{com: com, list: l, drill: drill}
}

// Len is how many requests it offers.
func (p picker) Len() int { return len(p.list.Items()) }

// Selected returns the request picked.
func (p picker) Selected() (lessons.Offer, bool) {
	o, ok := p.list.SelectedItem().(offerItem)
	return o.offer, ok
}

// Update moves the selection.
func (p picker) Update(msg tea.Msg) (picker, tea.Cmd) {
	var cmd tea.Cmd
	p.list, cmd = p.list.Update(msg)
	return p, cmd
}

// Lines draws the picker for width w.
func (p picker) Lines(w int) []string {
	st := p.com.Styles
	what := "Ready-made requests"
	if p.drill {
		what = "Malformed requests to break it with"
	}
	head := wrap(st.Muted.Render(what+" (↑/↓ choose, enter sends, esc closes):"), w)
	p.list.SetSize(w, p.Len())
	lines := append(head, strings.Split(p.list.View(), "\n")...)
	if o, ok := p.list.SelectedItem().(offerItem); ok {
		for _, l := range o.what() {
			lines = append(lines, wrap(st.Down.Render(l), w)...)
		}
	}
	return lines
}
