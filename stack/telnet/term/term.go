// Package term is ngw2f-lab telnet: a raw telnet-style client in the
// terminal, built on tcell, the one place the lab uses it. It behaves like
// netkit's telnet in line mode: it says what it is trying, echoes what is
// typed, sends each line with CR LF when enter is pressed, shows the
// answer as it arrives, and says "Connection closed by foreign host."
// when the server closes. ^] opens telnet's own prompt (telnet>), run by
// the same interpreter as the TUI's console (stack/telnet.Commands):
// close, quit, status, send and toggle visible, which shows CR, LF and
// other control bytes as \r, \n and \xNN.
//
// NOTES:
//   - tcell and Bubble Tea must never own the terminal at once: the TUI
//     runs this client through tea.Exec, which gives the terminal up
//     first. Fini runs in a deferred recover, so a panic still restores
//     the terminal.
//   - tcell draws in the alternate screen, which vanishes at exit; Run
//     writes what the session showed to its io.Writer afterwards, so the
//     conversation stays in the terminal as with the real telnet.
package term

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/gdamore/tcell/v2"

	"github.com/ngw2f/ngw2f-lab/stack/telnet"
	"github.com/ngw2f/ngw2f-lab/stack/visible"
)

// maxKept bounds what the client keeps of the conversation.
const maxKept = 1 << 20

// client is one run of the client.
type client struct {
	scr      tcell.Screen
	host     string
	commands telnet.Commands

	mu      sync.Mutex
	shown   []byte // what the session printed: its messages and the server's bytes
	typed   []rune // the line being typed
	prompt  bool   // at telnet>
	session *telnet.Session
}

// redraw is posted to the screen's event queue when the session printed.
type redraw struct{ tcell.EventTime }

// Write takes what the session prints.
func (c *client) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.shown = append(c.shown, p...)
	if n := len(c.shown); n > maxKept {
		c.shown = append(c.shown[:0], c.shown[n-maxKept:]...)
	}
	c.mu.Unlock()
	ev := &redraw{}
	ev.SetEventNow()
	c.scr.PostEvent(ev)
	return len(p), nil
}

// Run connects to host:port as telnet does and runs on the terminal until
// the connection ends or the user quits. Afterwards, what the session
// showed is written to after (the terminal's normal screen). The error is
// non-nil when the connection could not be made, as telnet exits 1 then.
func Run(ctx context.Context, host, port string, after io.Writer) error {
	scr, err := tcell.NewScreen()
	if err != nil {
		return fmt.Errorf("term: %w", err)
	}
	if err := scr.Init(); err != nil {
		return fmt.Errorf("term: %w", err)
	}
	return runOn(ctx, scr, host, port, after)
}

// runOn runs the client on scr, which is initialised, and finishes it.
func runOn(ctx context.Context, scr tcell.Screen, host, port string, after io.Writer) (err error) {
	c := &client{scr: scr, host: host}
	defer func() {
		if r := recover(); r != nil {
			scr.Fini()
			panic(r)
		}
		scr.Fini()
		c.mu.Lock()
		after.Write(c.transcript())
		c.mu.Unlock()
	}()
	c.draw()
	addr := net.JoinHostPort(host, port)
	if ip := net.ParseIP(host); ip == nil {
		addr = net.JoinHostPort(resolve(host), port)
	}
	s, err := telnet.Dial(ctx, host, addr, c)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.session = s
	c.mu.Unlock()
	go func() {
		select {
		case <-s.Done():
		case <-ctx.Done():
			s.Close()
		}
		scr.PostEvent(tcell.NewEventInterrupt(nil))
	}()
	return c.loop()
}

// resolve returns the address telnet tries first for host: localhost is
// 127.0.0.1 here, as /etc/hosts has it on any machine the lab runs on.
func resolve(host string) string {
	addrs, err := net.LookupHost(host)
	if err != nil || len(addrs) == 0 {
		return host
	}
	for _, a := range addrs {
		if ip := net.ParseIP(a); ip != nil && ip.To4() != nil {
			return a
		}
	}
	return addrs[0]
}

// loop handles events until the session ends or the user quits.
func (c *client) loop() error {
	for {
		ev := c.scr.PollEvent()
		if ev == nil {
			return nil
		}
		switch ev := ev.(type) {
		case *tcell.EventKey:
			if quit := c.key(ev); quit {
				return nil
			}
		case *tcell.EventResize:
			c.scr.Sync()
		case *tcell.EventInterrupt:
			if c.ended() {
				return nil
			}
		}
		c.draw()
	}
}

// ended reports whether the connection is over.
func (c *client) ended() bool {
	select {
	case <-c.session.Done():
		return true
	default:
		return false
	}
}

// key handles one key; it returns true when the client should exit.
func (c *client) key(ev *tcell.EventKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev.Key() {
	case tcell.KeyCtrlRightSq:
		if !c.prompt {
			c.shown = append(c.shown, "^]\n"...)
			c.prompt, c.typed = true, nil
		}
	case tcell.KeyEnter:
		return c.enter()
	case tcell.KeyBackspace, tcell.KeyBackspace2:
		if n := len(c.typed); n > 0 {
			c.typed = c.typed[:n-1]
		}
	case tcell.KeyCtrlU:
		c.typed = nil
	case tcell.KeyCtrlC:
		if !c.prompt {
			c.sendLocked([]byte{255, 244}) // telnet sends IAC IP for ^C
		}
	case tcell.KeyRune:
		c.typed = append(c.typed, ev.Rune())
	}
	return false
}

// enter sends the typed line, or runs it at telnet>. c.mu is held.
func (c *client) enter() bool {
	line := string(c.typed)
	c.typed = nil
	if !c.prompt {
		s := c.session
		c.mu.Unlock()
		s.SendLine(line) // echoes line+"\n" through Write
		c.mu.Lock()
		return false
	}
	c.shown = append(c.shown, "telnet> "+line+"\n"...)
	r := c.commands.Run(line, !c.ended(), c.host)
	c.shown = append(c.shown, r.Output...)
	c.prompt = !r.Resume
	switch {
	case r.Close || r.Quit:
		s := c.session
		c.mu.Unlock()
		s.Close() // prints "Connection closed."
		c.mu.Lock()
		return true
	case r.Send != nil:
		c.sendLocked(r.Send)
	}
	return false
}

// sendLocked sends b; c.mu is held and released around the write.
func (c *client) sendLocked(b []byte) {
	s := c.session
	c.mu.Unlock()
	s.Send(b)
	c.mu.Lock()
}

// lines returns the conversation as the terminal shows it, the line being
// typed at its end.
func (c *client) lines() []string {
	var text string
	if c.commands.Visible {
		text = strings.ReplaceAll(visible.Bytes(c.shown), `\n`, `\n`+"\n")
	} else {
		text = visible.Screen(string(c.shown))
	}
	if c.prompt {
		if !strings.HasSuffix(text, "\n") && text != "" {
			text += "\n"
		}
		text += "telnet> "
	}
	return strings.Split(text+string(c.typed), "\n")
}

// transcript is what stays in the terminal after the client exits.
func (c *client) transcript() []byte {
	text := visible.Screen(string(c.shown))
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return []byte(text)
}

// draw shows the last screenful of the conversation, lines wrapped to the
// width, the cursor after what is being typed.
func (c *client) draw() {
	c.mu.Lock()
	lines := c.lines()
	c.mu.Unlock()
	w, h := c.scr.Size()
	if w <= 0 || h <= 0 {
		return
	}
	var rows [][]rune
	for _, l := range lines {
		r := []rune(l)
		for len(r) > w {
			rows = append(rows, r[:w])
			r = r[w:]
		}
		rows = append(rows, r)
	}
	if len(rows) > h {
		rows = rows[len(rows)-h:]
	}
	c.scr.Clear()
	for y, row := range rows {
		for x, ch := range row {
			c.scr.SetContent(x, y, ch, nil, tcell.StyleDefault)
		}
	}
	last := len(rows) - 1
	c.scr.ShowCursor(len(rows[last]), last)
	c.scr.Show()
}
