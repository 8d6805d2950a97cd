package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/ngw2f/ngw2f-lab/lessons/glossary"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// testJourney returns a journey panel holding the proxy journey, at w x h.
func testJourney(w, h int) (journeyPanel, *traffic) {
	t := newTraffic()
	t.add(journeyEvents())
	com := common.New(testStyles())
	p := newJourneyPanel(com, t)
	p.SetSize(w, h)
	p.sync()
	return p, t
}

// keyMsg is the key press named k: a special key's name, or its text.
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

func TestJourneyPanel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		w, h int
		keys []string
	}{
		{name: "following", w: 78, h: 20},
		{name: "first-hop", w: 78, h: 20, keys: []string{"left", "left", "left", "left", "left"}},
		{name: "diff-rewritten-request", w: 98, h: 24, keys: []string{"left", "left", "left", "left", "d"}},
		{name: "environ", w: 78, h: 20, keys: []string{"left", "left", "left"}},
		{name: "hex", w: 78, h: 20, keys: []string{"x"}},
		{name: "search", w: 78, h: 20, keys: []string{"/", "g", "u", "n", "i", "enter"}},
		{name: "wide", w: 140, h: 30, keys: []string{"left", "left", "left", "left"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, _ := testJourney(tt.w, tt.h)
			for _, k := range tt.keys {
				p, _ = p.Update(keyMsg(k))
			}
			got := p.View()
			checkSize(t, got, tt.w, tt.h)
			golden.RequireEqual(t, layoutOf(got))
		})
	}
}

// TestJourneyRedrawsInNewStyles: the terminal may report its background
// after a hop was drawn, and the hop must not keep the colours of the
// background the lab assumed until then.
func TestJourneyRedrawsInNewStyles(t *testing.T) {
	t.Parallel()
	p, _ := testJourney(78, 20)
	darkUp, _, _ := strings.Cut(p.com.Styles.Up.Render("x"), "x") // the colour's escape code
	if !strings.Contains(p.View(), darkUp) {
		t.Fatalf("the response hop is not drawn in the response's colour %q", darkUp)
	}
	*p.com.Styles = *common.NewStyles(common.ThemeDefault, false, colorprofile.TrueColor)
	if got := p.View(); strings.Contains(got, darkUp) {
		t.Errorf("the hop kept the dark background's colours on a light one:\n%q", got)
	}
}

func TestJourneyFollowsAndBrowses(t *testing.T) {
	t.Parallel()
	p, tr := testJourney(78, 20)
	_, hops, sel := p.Selected()
	if len(hops) != 6 || hops[sel].Kind.String() != "bytes" || sel != 5 {
		t.Fatalf("following selects hop %d of %d, want the answer to the client (6 of 6)", sel+1, len(hops))
	}
	p, _ = p.Update(keyMsg("left"))
	if p.follow {
		t.Error("still following after the learner picked a hop")
	}
	// A second journey arrives: the panel stays where the learner is.
	more := journeyEvents()
	for i := range more {
		more[i].Seq += 100
		more[i].Conn.N += 10
	}
	tr.add(more)
	p.sync()
	if j, _, _ := p.Selected(); j.ID != 1 {
		t.Errorf("moved to journey %d while not following", j.ID)
	}
	for range 2 { // hop 5 to 6, then past the end
		p, _ = p.Update(keyMsg("right"))
	}
	if j, _, sel := p.Selected(); j.ID != 2 || sel != 0 {
		t.Errorf("right past the last hop: journey %d hop %d, want journey 2 hop 1", j.ID, sel+1)
	}
	p, _ = p.Update(keyMsg("L"))
	if j, _, _ := p.Selected(); !p.follow || j.ID != 2 {
		t.Error("L does not follow the latest journey again")
	}
}

func TestJourneyClickSelectsHop(t *testing.T) {
	t.Parallel()
	p, _ := testJourney(78, 20)
	p.View() // lays the rows out
	row := p.layout.firstRow + 1
	want := p.layout.rowHop[1]
	p, _ = p.Update(tea.MouseClickMsg{X: 10, Y: row, Button: tea.MouseLeft})
	if _, _, sel := p.Selected(); sel != want || p.follow {
		t.Errorf("click on row %d selected hop %d, want %d", row, sel+1, want+1)
	}
}

func TestExplainPanel(t *testing.T) {
	t.Parallel()
	p, _ := testJourney(78, 20)
	for range 4 {
		p, _ = p.Update(keyMsg("left"))
	}
	_, hops, sel := p.Selected()
	com := common.New(testStyles())
	e := newExplainPanel(com, lesson1(t))
	e.SetSize(98, 9)
	e.SetHop(hops, sel)
	var names []string
	for _, tm := range e.terms {
		names = append(names, tm.name)
	}
	if got := strings.Join(names, ","); got != "method,target,version,X-Forwarded-For,Host,Connection,User-Agent,Accept" {
		t.Fatalf("terms %s", got)
	}
	e, _ = e.Update(keyMsg("down"))
	e, _ = e.Update(keyMsg("down"))
	got := stripANSI(e.detail(e.terms[e.selected]))
	for _, want := range []string{"version: HTTP/1.0", "rewritten by proxy (hop 2), was \"HTTP/1.1\"", "In the lesson: step 2"} {
		if !strings.Contains(got, want) {
			t.Errorf("explanation lacks %q:\n%s", want, got)
		}
	}
	e, _ = e.Update(keyMsg("down"))
	if got := stripANSI(e.View()); !strings.Contains(got, "set by proxy (hop 2)") {
		t.Errorf("X-Forwarded-For not said to be set by the proxy:\n%s", got)
	}
	golden.RequireEqual(t, layoutOf(e.View()))
}

// TestHistoryAcrossHandOffs checks what the explain panel says of an
// environ key a middleware rewrites: a hand-off that leaves the key out
// drops nothing, and a change is placed at the hand-off, not on a layer.
func TestHistoryAcrossHandOffs(t *testing.T) {
	t.Parallel()
	handoff := func(n int, name string, fields ...trace.Field) trace.Hop {
		return trace.Hop{N: n, From: "gateway", To: "toolkit", Dir: trace.Down, Kind: trace.KindHandoff, Name: name,
			Events: []trace.Event{{Kind: trace.KindHandoff, Name: name, Fields: fields}}}
	}
	hops := []trace.Hop{
		handoff(1, "environ", trace.Field{Key: "REMOTE_ADDR", Value: "127.0.0.1"}, trace.Field{Key: "PATH_INFO", Value: "/"}),
		handoff(2, "ProxyFix", trace.Field{Key: "REMOTE_ADDR", Value: "203.0.113.7"}),
		handoff(3, "Request(environ)", trace.Field{Key: "method", Value: "GET"}),
	}
	got := history(hops, 2, term{kind: glossary.Environ, name: "REMOTE_ADDR"})
	want := `In this journey: set at hop 1, environ; rewritten at hop 2, ProxyFix, was "127.0.0.1".`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestWatchedHop: after a journey, the panel shows its last hop with
// something in it, not a close the worker reported late.
func TestWatchedHop(t *testing.T) {
	t.Parallel()
	bytesHop := trace.Hop{Kind: trace.KindBytes, Events: []trace.Event{{Data: []byte("HTTP/1.1 200 OK\r\n\r\n")}}}
	environ := trace.Hop{Kind: trace.KindHandoff, Name: "environ", Events: []trace.Event{{Fields: []trace.Field{{Key: "PATH_INFO", Value: "/"}}}}}
	closeCall := trace.Hop{Kind: trace.KindHandoff, Name: "close", Events: []trace.Event{{Name: "close"}}}
	closed := trace.Hop{Kind: trace.KindClose, Events: []trace.Event{{}}}
	tests := []struct {
		name string
		hops []trace.Hop
		want int
	}{
		{"the answer, then the body's close() and the connection's", []trace.Hop{environ, bytesHop, closeCall, closed}, 1},
		{"a journey still in the app", []trace.Hop{bytesHop, environ}, 1},
		{"nothing but closes", []trace.Hop{closeCall, closed}, 1},
		{"no hops", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := watchedHop(tt.hops); got != tt.want {
				t.Errorf("watchedHop = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestHopSaysWhatItDidNotKeep checks that a hop longer than the tap keeps
// says its real size and how much of it is not shown.
func TestHopSaysWhatItDidNotKeep(t *testing.T) {
	t.Parallel()
	h := trace.Hop{N: 1, From: "client", To: "proxy", Dir: trace.Down, Kind: trace.KindBytes, Events: []trace.Event{
		{Kind: trace.KindBytes, Dir: trace.Down, Data: []byte("POST /upload HTTP/1.0\r\n\r\n")},
		{Kind: trace.KindBytes, Dir: trace.Down, Omitted: 104857600},
	}}
	title := hopTitle(h, 1)
	if !strings.Contains(title, fmt.Sprintf("%d bytes", 25+104857600)) {
		t.Errorf("title %q does not give the hop's real size", title)
	}
	body := stripANSI(strings.Join(hopContent(testStyles(), []trace.Hop{h}, 0, modeRaw, 100), "\n"))
	if !strings.Contains(body, "104857600 more bytes not kept") {
		t.Errorf("the hop does not say what it left out:\n%s", body)
	}
}
