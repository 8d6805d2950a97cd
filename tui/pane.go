package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// pane is a scrollable stretch of lines inside a panel: the lesson's
// narrative, the console, a hop's content. Every line is wrapped to the
// pane's width (wrap), never cut; the bubbles viewport scrolls them, with
// the lab's own keys. A pane that follows keeps its last line in view as
// lines come, until the learner scrolls up, and again once they are back
// at the bottom.
type pane struct {
	keys    *common.KeyMap
	vp      viewport.Model
	raw     []string // the lines as given
	wrapped []string // raw wrapped to the width
	follow  bool
}

func newPane(keys *common.KeyMap, follow bool) pane {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{Up: keys.Up, Down: keys.Down, PageUp: keys.PageUp, PageDown: keys.PageDown}
	vp.FillHeight = true
	return pane{keys: keys, vp: vp, follow: follow}
}

// SetSize sets the pane's size, wrapping its lines again for a new width.
func (p *pane) SetSize(w, h int) {
	w, h = max(w, 0), max(h, 0)
	if w == p.vp.Width() && h == p.vp.Height() {
		return
	}
	atBottom := p.vp.AtBottom()
	rewrap := w != p.vp.Width()
	p.vp.SetWidth(w)
	p.vp.SetHeight(h)
	if rewrap {
		p.wrapped = wrapAll(p.raw, w)
	}
	p.show()
	if p.follow && atBottom {
		p.vp.GotoBottom() // a console that shrinks keeps its last line in view
	}
}

// SetLines replaces the pane's lines; the scroll position stays where it
// can, or at the bottom for a pane that follows.
func (p *pane) SetLines(lines []string) {
	p.raw = lines
	p.wrapped = wrapAll(lines, p.vp.Width())
	p.show()
}

// Append adds lines at the end.
func (p *pane) Append(lines ...string) {
	p.raw = append(p.raw, lines...)
	p.wrapped = append(p.wrapped, wrapAll(lines, p.vp.Width())...)
	p.show()
}

// show hands the wrapped lines to the viewport.
func (p *pane) show() {
	atBottom := p.vp.AtBottom()
	p.vp.SetContentLines(append([]string(nil), p.wrapped...))
	if p.follow && atBottom {
		p.vp.GotoBottom()
	}
}

// Top scrolls to the first line.
func (p *pane) Top() { p.vp.GotoTop() }

// Bottom scrolls to the last line.
func (p *pane) Bottom() { p.vp.GotoBottom() }

// Below returns how many lines there are under the last one in view.
func (p pane) Below() int {
	return max(p.vp.TotalLineCount()-p.vp.YOffset()-p.vp.Height(), 0)
}

// Update scrolls: up and down a line, a page, to the top and the bottom,
// and the mouse wheel.
func (p pane) Update(msg tea.Msg) (pane, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, p.keys.Top):
			p.vp.GotoTop()
			return p, nil
		case key.Matches(msg, p.keys.Bottom):
			p.vp.GotoBottom()
			return p, nil
		}
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return p, cmd
}

// View draws the lines in view, exactly the pane's height.
func (p pane) View() string { return p.vp.View() }
