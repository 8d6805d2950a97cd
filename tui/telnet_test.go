package tui

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/telnet"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// TestPromptShowsDrillVerdicts: a drill run as a step (in a talk, say)
// says which layer refused each request in the console, where the room
// looks.
func TestPromptShowsDrillVerdicts(t *testing.T) {
	t.Parallel()
	m := newTelnetPrompt(common.New(testStyles()))
	m.output(runner.Output{Kind: runner.OutInfo, Text: "break it: bare LF line endings"})
	m.output(runner.Output{Kind: runner.OutVerdict, Text: "refused by proxy: 400 Bad Request"})
	var got []string
	for _, l := range m.lines {
		got = append(got, l.text)
	}
	want := "lab: break it: bare LF line endings|lab: verdict: refused by proxy: 400 Bad Request"
	if strings.Join(got, "|") != want {
		t.Errorf("console lines %q, want %q", got, want)
	}
}

// TestReadyMadeBodyGoesOut: a ready-made request with a body sends it
// with the empty line that ends its head, in one write: a server that
// answers the head at once, and closes (an app that never reads its
// body), has the body too, rather than the lab typing it after the close.
func TestReadyMadeBodyGoesOut(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		defer c.Close()
		var read []byte
		buf := make([]byte, 1024)
		for !bytes.Contains(read, []byte("\r\n\r\n")) {
			n, err := c.Read(buf)
			if err != nil {
				break
			}
			read = append(read, buf[:n]...)
		}
		c.Write([]byte("HTTP/1.0 200 OK\r\n\r\n"))
		got <- string(read)
	}()
	s, err := telnet.Dial(context.Background(), "localhost", ln.Addr().String(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if msg := sendLine(s, "POST / HTTP/1.0", "Content-Length: 2", "", "hi")(); msg != nil {
		t.Errorf("sendLine said %#v", msg)
	}
	if read := <-got; !strings.HasSuffix(read, "\r\n\r\nhi\r\n") {
		t.Errorf("the server read %q before it answered: no body", read)
	}
}

// openPrompt returns a prompt the lesson handed over, with the cursor in
// it, as a try leaves it.
func openPrompt(t *testing.T, addr string) telnetPrompt {
	t.Helper()
	p := newTelnetPrompt(common.New(testStyles()))
	p.SetSize(78, 12)
	p.output(runner.Output{Kind: runner.OutTry, Layer: "rawsock", Addr: addr,
		Offers: []lessons.Offer{{Label: "one", Lines: []string{"GET / HTTP/1.0", ""}}}, Drill: true})
	p.Focus()
	return p
}

// TestPromptLeavesTheLessonsKeys: until a line is typed, the prompt a
// try opens leaves space and n (the next step), q, esc and ? to the
// screen; once typing, every key is the line's; the drill's list opens
// only on ctrl+o, and takes only its own keys.
func TestPromptLeavesTheLessonsKeys(t *testing.T) {
	t.Parallel()
	p := openPrompt(t, "127.0.0.1:1")
	if p.picker != nil {
		t.Fatal("the drill's list opened by itself")
	}
	space := tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	for _, k := range []tea.KeyPressMsg{space, keyMsg("n"), keyMsg("q"), keyMsg("esc"), keyMsg("?")} {
		if p.Captures(k) {
			t.Errorf("the empty prompt takes %q", k.String())
		}
	}
	if !p.Captures(keyMsg("G")) {
		t.Error("the empty prompt does not take G, the start of GET")
	}
	p, _ = p.Update(keyMsg("G"))
	for _, k := range []tea.KeyPressMsg{space, keyMsg("n"), keyMsg("q")} {
		if !p.Captures(k) {
			t.Errorf("a prompt being typed in leaves %q to the screen", k.String())
		}
	}
	p.input.SetValue("")
	p, _ = p.Update(tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl})
	if p.picker == nil {
		t.Fatal("ctrl+o does not list the drill's requests")
	}
	if p.Captures(space) || !p.Captures(keyMsg("down")) || !p.Captures(keyMsg("enter")) {
		t.Error("the list takes the wrong keys")
	}
}

// TestPromptConnectsOnlyWhenAsked: an empty line opens no connection, a
// line does; on a connection the server closed, a line is not sent until
// enter asks again, and stays in the prompt meanwhile.
func TestPromptConnectsOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close() // the server closes at once
		}
	}()
	p := openPrompt(t, ln.Addr().String())
	p, cmd := p.Update(keyMsg("enter"))
	if cmd != nil || !strings.Contains(consoleText(p), "type a request line first") {
		t.Errorf("an empty line: cmd %v, console:\n%s", cmd != nil, consoleText(p))
	}
	p.input.SetValue("hello")
	p, cmd = p.Update(keyMsg("enter"))
	if _, ok := cmd().(dialMsg); !ok {
		t.Fatal("a line does not connect")
	}
	s, err := telnet.Dial(context.Background(), "localhost", ln.Addr().String(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	<-s.Done()
	p.session, p.pending = s, nil
	p.input.SetValue("hello again")
	p, cmd = p.Update(keyMsg("enter"))
	if cmd != nil || p.input.Value() != "hello again" || !strings.Contains(consoleText(p), "not sent: rawsock closed the connection") {
		t.Errorf("a line on a closed connection: cmd %v, prompt %q, console:\n%s", cmd != nil, p.input.Value(), consoleText(p))
	}
	p, cmd = p.Update(keyMsg("enter"))
	if cmd == nil || p.input.Value() != "" {
		t.Fatal("enter again does not send the line on a new connection")
	}
	if _, ok := cmd().(dialMsg); !ok || len(p.pending) != 1 || p.pending[0] != "hello again" {
		t.Errorf("enter again: pending %q", p.pending)
	}
}

// TestTurnInATalkIsForTheRoom: in a talk nobody types at the lab, so a
// try says what the room can do, with its ready-made requests whole,
// rather than that a prompt opens.
func TestTurnInATalkIsForTheRoom(t *testing.T) {
	t.Parallel()
	p := newTelnetPrompt(common.New(testStyles()))
	p.SetSize(78, 12)
	p.output(runner.Output{Kind: runner.OutTurn, Layer: "rawsock", Addr: "127.0.0.1:8000", Offers: []lessons.Offer{
		{Label: "the talk's request", Lines: []string{"GET / HTTP/1.0", ""}},
		{Label: "padding", Data: []byte("GET / HTTP/1.0\r\nX: " + strings.Repeat("b", 8200) + "\r\n\r\n")},
	}})
	c := consoleText(p)
	for _, want := range []string{"your turn, for the room: telnet localhost 8000 (rawsock)", "1. the talk's request", "> GET / HTTP/1.0", `"b"*8200`} {
		if !strings.Contains(c, want) {
			t.Errorf("the console lacks %q:\n%s", want, c)
		}
	}
	if p.open || strings.Contains(c, "opens here") {
		t.Errorf("a prompt opened, or is said to:\n%s", c)
	}
}
