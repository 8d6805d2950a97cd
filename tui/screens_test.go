package tui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/progress"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// Golden files are under testdata/<Test>/<case>.golden; go test -update
// rewrites them. Layout goldens are the screen with its styling stripped.

func testStyles() *common.Styles {
	return common.NewStyles(common.ThemeDefault, true, colorprofile.TrueColor)
}

// layoutOf strips the styling from a screen and its trailing blanks.
func layoutOf(s string) string {
	lines := strings.Split(stripANSI(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// checkSize fails when a screen is not exactly w x h cells.
func checkSize(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := len([]rune(stripANSI(l))); n > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, n, w, stripANSI(l))
		}
	}
}

func lesson1(t testing.TB) *lessons.Lesson {
	t.Helper()
	l, err := lessons.Get(1)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// newTestModel returns the root model at a size, as the program would
// have it after its first window size message.
func newTestModel(t *testing.T, opts Options, w, h int) (model, *labSet) {
	t.Helper()
	labs := &labSet{}
	t.Cleanup(func() { labs.closeAll() })
	if opts.Lessons == nil {
		all, err := lessons.All()
		if err != nil {
			t.Fatal(err)
		}
		opts.Lessons = all
	}
	m := newModel(opts, labs)
	next, cmd := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	for _, msg := range runCmds(cmd) { // the lesson's text, rendered
		next, _ = next.Update(msg)
	}
	return next.(model), labs
}

// press presses keys, handing the model back what their Cmds answer
// at once (a filter's matches): Cmds that wait (a cursor's blink, a
// step) are left.
func press(m model, keys ...string) model {
	for _, k := range keys {
		next, cmd := m.Update(keyMsg(k))
		m = next.(model)
		for _, msg := range quickMsgs(cmd) {
			next, _ = m.Update(msg)
			m = next.(model)
		}
	}
	return m
}

// quickMsgs runs cmd and the Cmds of its batches, each for at most a
// moment, and returns what they answered in that moment.
func quickMsgs(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	got := make(chan tea.Msg, 1)
	go func() { got <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-got:
	case <-time.After(100 * time.Millisecond):
		return nil
	}
	if batch, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range batch {
			out = append(out, quickMsgs(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

func TestScreens(t *testing.T) {
	t.Parallel()
	store, _ := progress.Open(filepath.Join(t.TempDir(), "progress.json"))
	store.StepDone("01-http", 1, 8)
	tests := []struct {
		name string
		opts Options
		w, h int
		keys []string
	}{
		{name: "list", opts: Options{Progress: store}, w: 80, h: 24},
		{name: "list-filtered", opts: Options{Progress: store}, w: 80, h: 24, keys: []string{"/", "p", "r", "o", "x", "y", "enter"}},
		{name: "list-last", opts: Options{}, w: 80, h: 24, keys: []string{"down", "down", "down", "down", "down", "down", "down", "down"}},
		{name: "lesson-80x24", opts: Options{Lesson: lesson1(t)}, w: 80, h: 24},
		{name: "lesson-80x24-journey-tab", opts: Options{Lesson: lesson1(t)}, w: 80, h: 24, keys: []string{"tab"}},
		{name: "lesson-120x40", opts: Options{Lesson: lesson1(t)}, w: 120, h: 40},
		{name: "lesson-step-selected", opts: Options{Lesson: lesson1(t)}, w: 100, h: 30, keys: []string{"b", "b"}},
		{name: "help", opts: Options{Lesson: lesson1(t)}, w: 100, h: 30, keys: []string{"?"}},
		{name: "too-small", opts: Options{Lesson: lesson1(t)}, w: 60, h: 20},
		{name: "bad-lesson-file", opts: Options{LessonErr: badLessonErr(t)}, w: 80, h: 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, _ := newTestModel(t, tt.opts, tt.w, tt.h)
			m = press(m, tt.keys...)
			got := m.View()
			if !got.AltScreen {
				t.Error("the view is not in the alternate screen")
			}
			checkSize(t, got.Content, tt.w, tt.h)
			golden.RequireEqual(t, layoutOf(got.Content))
		})
	}
}

func badLessonErr(t *testing.T) error {
	_, err := lessons.Parse("mine.md", []byte("---\nnumber: 42\nslug: mine\ntitle: Mine\n---\n## One\n```lab\nstart rawsock\nbogus\n```\n"))
	if err == nil {
		t.Fatal("the bad lesson parsed")
	}
	return err
}

// journeyEvents builds a journey through a proxy: the request rewritten
// on its way to the app server, the answer passed back.
func journeyEvents() []trace.Event {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := func(n uint64) trace.ConnID { return trace.ConnID{PID: 1, N: n} }
	evs := []trace.Event{
		{Kind: trace.KindOpen, Layer: "proxy", Conn: c(1), Side: trace.Server, Local: "127.0.0.1:8080", Remote: "127.0.0.1:50000"},
		{Kind: trace.KindBytes, Layer: "proxy", Conn: c(1), Dir: trace.Down, Data: []byte("GET /hello?name=lab HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")},
		{Kind: trace.KindLink, Layer: "proxy", Conn: c(1), Local: "127.0.0.1:50001", Remote: "127.0.0.1:8000"},
		{Kind: trace.KindOpen, Layer: "prefork", Conn: c(2), Side: trace.Server, Local: "127.0.0.1:8000", Remote: "127.0.0.1:50001"},
		{Kind: trace.KindBytes, Layer: "prefork", Conn: c(2), Dir: trace.Down, Data: []byte("GET /hello?name=lab HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nHost: localhost:8080\r\nConnection: close\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")},
		{Kind: trace.KindHandoff, Layer: "prefork", Conn: c(2), From: "prefork", To: "gateway", Dir: trace.Down, Name: "environ",
			Fields: []trace.Field{{Key: "REQUEST_METHOD", Value: "GET"}, {Key: "PATH_INFO", Value: "/hello"}, {Key: "QUERY_STRING", Value: "name=lab"}, {Key: "HTTP_HOST", Value: "localhost:8080"}, {Key: "wsgi.multiprocess", Value: "True"}}},
		{Kind: trace.KindBytes, Layer: "prefork", Conn: c(2), Dir: trace.Up, Data: []byte("HTTP/1.0 200 OK\r\nServer: gunicorn\r\nContent-type: text/plain\r\nContent-Length: 12\r\n\r\nHello, lab!\n")},
		{Kind: trace.KindClose, Layer: "prefork", Conn: c(2)},
		{Kind: trace.KindBytes, Layer: "proxy", Conn: c(1), Dir: trace.Up, Data: []byte("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: keep-alive\r\n\r\nHello, lab!\n\x00\x01")},
	}
	for i := range evs {
		evs[i].Seq = uint64(i + 1)
		evs[i].Time = at.Add(time.Duration(i) * time.Millisecond)
		evs[i].PID = 1
	}
	return evs
}

// runCmds runs cmd, and every Cmd of the batches it returns, one after
// another, and returns the messages they gave: a key's Cmds, run as the
// program would, without the program.
func runCmds(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range batch {
			out = append(out, runCmds(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// newModel returns the root model with no presenter's server.
func newModel(opts Options, labs *labSet) model {
	return newModelWith(opts, labs, nil)
}
