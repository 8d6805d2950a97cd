package term

import (
	"bytes"
	"context"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
	"github.com/ngw2f/ngw2f-lab/stack/rawsock"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// session runs the client on a simulated 80x24 screen against addr, types
// what keys says (a string is typed then enter is pressed; a tcell.Key is
// pressed), and returns what stays in the terminal afterwards.
func session(t *testing.T, addr string, keys ...any) (string, error) {
	t.Helper()
	scr := simScreen(t)
	host, port, _ := net.SplitHostPort(addr)
	var after bytes.Buffer
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() { done <- runOn(ctx, scr, host, port, &after) }()
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			for _, r := range k {
				scr.InjectKey(tcell.KeyRune, r, tcell.ModNone)
			}
			scr.InjectKey(tcell.KeyEnter, '\r', tcell.ModNone)
		case tcell.Key:
			scr.InjectKey(k, 0, tcell.ModNone)
		case time.Duration:
			time.Sleep(k)
		}
	}
	select {
	case err := <-done:
		return after.String(), err
	case <-time.After(10 * time.Second):
		t.Fatal("the client did not exit")
		return "", nil
	}
}

// simScreen returns an initialised simulated screen of 80x24: keys
// injected into it wait for the client's loop, as typed-ahead keys do.
func simScreen(t *testing.T) tcell.SimulationScreen {
	t.Helper()
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		t.Fatal(err)
	}
	scr.SetSize(80, 24)
	return scr
}

func startRawsock(t *testing.T) string {
	t.Helper()
	l := rawsock.New(stack.Config{Name: rawsock.Kind, Addr: "127.0.0.1:0"})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().String()
}

func TestAgainstTheRawServer(t *testing.T) {
	addr := startRawsock(t)
	got, err := session(t, addr, "GET / HTTP/1.0")
	if err != nil {
		t.Fatal(err)
	}
	want := "Trying 127.0.0.1...\nConnected to 127.0.0.1.\nEscape character is '^]'.\nGET / HTTP/1.0\n" +
		"HTTP/1.1 200 OK\n\nHello, World! (from a raw socket)\nConnection closed by foreign host.\n"
	if got != want {
		t.Errorf("the terminal shows:\n%s\nwant:\n%s", got, want)
	}
	compareWithTelnet(t, addr, []string{"GET / HTTP/1.0"}, got, nil)
}

func TestPromptCommands(t *testing.T) {
	addr := startRawsock(t)
	got, err := session(t, addr, tcell.KeyCtrlRightSq, "status", tcell.KeyCtrlRightSq, "toggle visible",
		tcell.KeyCtrlRightSq, "fly", "close")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"^]\ntelnet> status\nConnected to 127.0.0.1.\nOperating in obsolete linemode\nLocal character echo\nEscape character is '^]'.\n",
		"telnet> toggle visible\nWill show control bytes as \\r, \\n and \\xNN.\n",
		"telnet> fly\n?Invalid command\ntelnet> close\nConnection closed.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, got)
		}
	}
}

func TestVisibleShowsLineEnds(t *testing.T) {
	t.Parallel()
	c := &client{shown: []byte("HTTP/1.1 200 OK\r\n\r\nhi\x01"), typed: []rune("GET")}
	if got := strings.Join(c.lines(), "|"); got != "HTTP/1.1 200 OK||hi\\x01GET" {
		t.Errorf("lines %q", got)
	}
	c.commands.Visible = true
	if got := strings.Join(c.lines(), "|"); got != `HTTP/1.1 200 OK\r\n|\r\n|hi\x01GET` {
		t.Errorf("visible lines %q", got)
	}
	c.prompt, c.typed = true, []rune("st")
	if got := c.lines(); got[len(got)-1] != "telnet> st" {
		t.Errorf("prompt line %q", got[len(got)-1])
	}
}

func TestUnreachable(t *testing.T) {
	host, port, _ := net.SplitHostPort(porttest.Refused(t))
	var after bytes.Buffer
	err := runOn(context.Background(), simScreen(t), host, port, &after)
	if err == nil || after.String() != "Trying 127.0.0.1...\ntelnet: Unable to connect to remote host: Connection refused\n" {
		t.Errorf("Run = %v, terminal:\n%s", err, after.String())
	}
}

func TestAgainstRealNginx(t *testing.T) {
	addr := nginxtest.Start(t, nginxtest.Options{Conf: nginxtest.ReaderConf,
		Files: map[string]string{"html/index.html": "Hello World (from Nginx)\n"}}).Addr
	got, err := session(t, addr, "GET / HTTP/1.0", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GET / HTTP/1.0\n\nHTTP/1.1 200 OK\nServer: nginx/", "\nConnection: close\n",
		"\n\nHello World (from Nginx)\nConnection closed by foreign host.\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, got)
		}
	}
	compareWithTelnet(t, addr, []string{"GET / HTTP/1.0", ""}, got, regexp.MustCompile(`(?m)^Date: .*\n`))
}

// compareWithTelnet runs the real telnet against addr with the same lines
// and compares its output with the lab's. Fed from a pipe, telnet does
// not echo the lines, so they are left out of the lab's output first;
// ignore masks what differs between two answers (a date).
func compareWithTelnet(t *testing.T, addr string, lines []string, lab string, ignore *regexp.Regexp) {
	t.Helper()
	bin, err := exec.LookPath("telnet")
	if err != nil {
		t.Log("telnet is not installed (apt-get install telnet): not compared with it")
		return
	}
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, host, port)
	stdin, _ := cmd.StdinPipe()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		time.Sleep(100 * time.Millisecond)
		io.WriteString(stdin, l+"\n")
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-waited
	}
	stdin.Close()
	real := out.String()
	for _, l := range lines {
		lab = strings.Replace(lab, "'^]'.\n"+l+"\n", "'^]'.\n", 1)
	}
	if ignore != nil {
		real, lab = ignore.ReplaceAllString(real, ""), ignore.ReplaceAllString(lab, "")
	}
	if real != lab {
		t.Errorf("telnet shows:\n%q\nthe lab's client:\n%q", real, lab)
	}
}
