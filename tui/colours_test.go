package tui

import (
	"bytes"
	"fmt"
	"image/color"
	"regexp"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// TestColourScreens draws the lesson screen of lesson 1 after its demo
// request, so that the journey, the stack and the console all hold
// colour, in each theme on a dark and a light background, and brings it
// down to each colour profile as the program's renderer does. The goldens
// keep the escape codes: cat one in a terminal to see it.
func TestColourScreens(t *testing.T) {
	t.Parallel()
	const w, h = common.WideWidth, common.WideHeight
	dark, light := color.RGBA{R: 0x1E, G: 0x1E, B: 0x1E, A: 0xff}, color.RGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xff}
	m := demoScreen(t, w, h)
	type look struct {
		name  string
		theme common.Theme
		bg    color.Color
	}
	looks := []look{
		{"default-dark", common.ThemeDefault, dark}, {"default-light", common.ThemeDefault, light},
		{"high-contrast-dark", common.ThemeHighContrast, dark}, {"high-contrast-light", common.ThemeHighContrast, light},
	}
	for _, p := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI, colorprofile.Ascii} {
		for _, lk := range looks {
			if p == colorprofile.Ascii && lk.bg == light {
				continue // without colours the background changes nothing
			}
			name := fmt.Sprintf("%s-%s", p, lk.name)
			if p == colorprofile.Ascii {
				name = fmt.Sprintf("no-color-%s", lk.theme)
			}
			// Not in parallel: the screens share their styles, which each
			// case draws anew.
			t.Run(name, func(t *testing.T) {
				got := drawIn(t, m, lk.theme, lk.bg, p)
				checkSize(t, got, w, h)
				golden.RequireEqual(t, got)
			})
		}
	}
}

// drawIn draws m in theme on a terminal with background bg and colour
// profile p, as the program does once the terminal has answered: the root
// gets the profile and the background, and the renderer downsamples.
func drawIn(t *testing.T, m model, theme common.Theme, bg color.Color, p colorprofile.Profile) string {
	t.Helper()
	m.opts.Theme = theme
	m.opts.NoColor = p == colorprofile.Ascii
	next, cmd1 := m.Update(tea.ColorProfileMsg{Profile: p})
	next, cmd2 := next.Update(tea.BackgroundColorMsg{Color: bg})
	for _, msg := range runCmds(tea.Batch(cmd1, cmd2)) { // the lesson's text, drawn anew
		next, _ = next.Update(msg)
	}
	var out bytes.Buffer
	w := &colorprofile.Writer{Forward: &out, Profile: p}
	if _, err := w.WriteString(next.View().Content); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// demoScreen runs lesson 1's first two steps for real, as a presenter
// does (enter, then n): the raw socket server starts and the talk's
// request goes to it. What the screen shows that differs from run to run
// (ports, the PID, the clock) is made stable before the screen sees it.
func demoScreen(t *testing.T, w, h int) model {
	t.Helper()
	m, _ := newTestModel(t, Options{Lesson: lesson1(t)}, w, h)
	st := newStabilizer()
	m = runStepKey(t, m, st, "enter")
	m = runStepKey(t, m, st, "n")
	stack := snapshot(m.current.r.Stack())
	for i := range stack.layers {
		stack.layers[i].addr = st.text(stack.layers[i].addr)
	}
	next, _ := m.Update(labMsg{lab: m.current, msg: stack})
	return next.(model)
}

// runStepKey presses k, which runs a step, and once the step has run
// hands the model what the step fed the screen, then the step's end, in
// the order the program gets them.
func runStepKey(t *testing.T, m model, st *stabilizer, k string) model {
	t.Helper()
	next, cmd := m.Update(keyMsg(k))
	if cmd == nil {
		t.Fatalf("%s ran no step", k)
	}
	msgs := runCmds(cmd)
	fed, ok := m.current.feed.drain()
	if !ok {
		t.Fatalf("%s: the step fed the screen nothing", k)
	}
	st.feed(&fed)
	next, _ = next.Update(labMsg{lab: m.current, msg: fed})
	for _, msg := range msgs {
		next, _ = next.Update(msg)
	}
	m = next.(model)
	if m.lesson.failure != nil {
		t.Fatalf("%s: %s: %s", k, m.lesson.failure.title, m.lesson.failure.text)
	}
	return m
}

// stabilizer gives the ports a run chose the numbers the talk uses, PIDs
// a fixed one and the events a fixed clock.
type stabilizer struct {
	ports map[string]string
	clock time.Time
}

var (
	hostPort = regexp.MustCompile(`\b(127\.0\.0\.1|localhost)([: ])(\d+)\b`)
	pidText  = regexp.MustCompile(`\bpid \d+\b`)
)

func newStabilizer() *stabilizer {
	return &stabilizer{ports: map[string]string{}, clock: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// text returns s with its ports and PIDs made stable: the first port seen
// (the server's) becomes 8000, the next ones 50000 and up.
func (st *stabilizer) text(s string) string {
	s = hostPort.ReplaceAllStringFunc(s, func(m string) string {
		sub := hostPort.FindStringSubmatch(m)
		p, ok := st.ports[sub[3]]
		if !ok {
			p = strconv.Itoa(50000 + len(st.ports) - 1)
			if len(st.ports) == 0 {
				p = "8000"
			}
			st.ports[sub[3]] = p
		}
		return sub[1] + sub[2] + p
	})
	return pidText.ReplaceAllString(s, "pid 4242")
}

// feed makes what a frame of the feed shows stable: the events' clock
// and the lines of text. Addresses the lab works with (an event's ends,
// the address a prompt connects to) are left alone: the lab tells the
// lesson's own requests from the learner's by them.
func (st *stabilizer) feed(f *feedMsg) {
	for i := range f.events {
		f.events[i].Time = st.clock.Add(time.Duration(f.events[i].Seq) * 250 * time.Microsecond)
	}
	for i := range f.outputs {
		f.outputs[i].Text = st.text(f.outputs[i].Text)
	}
	f.screen = []byte(st.text(string(f.screen)))
}
