package telnet

import (
	"fmt"
	"sort"
	"strings"
)

// Result is what a command at telnet's own prompt (telnet>) asks of the
// client that runs it.
type Result struct {
	// Output is what telnet prints, whole lines.
	Output string
	// Resume says the prompt is done: keys go to the connection again.
	// Otherwise telnet asks for another command.
	Resume bool
	// Close asks to close the connection (telnet's close): the Session's
	// Close prints "Connection closed.".
	Close bool
	// Quit asks to close the connection, if any, and leave the client.
	Quit bool
	// Send is bytes to send on the connection.
	Send []byte
}

// Commands is telnet's command prompt, the one ^] opens: close, quit,
// status, send and toggle, as netkit's telnet words them, and the lab's
// own toggle visible. The lab's two telnet clients, the TUI's console and
// ngw2f-lab telnet, run their prompts through it. The zero value is ready
// to use.
type Commands struct {
	// Visible is the lab's own toggle: show CR, LF and other control bytes
	// the server sends as \r, \n and \xNN.
	Visible bool
}

// The TELNET protocol's commands that send can send (RFC 854): IAC then
// the command's code.
const iac = 255

var sendable = map[string]struct {
	code byte
	help string
}{
	"ao":    {245, "Send Telnet Abort output"},
	"ayt":   {246, "Send Telnet 'Are You There'"},
	"brk":   {243, "Send Telnet Break"},
	"ec":    {247, "Send Telnet Erase Character"},
	"el":    {248, "Send Telnet Erase Line"},
	"ga":    {249, "Send Telnet 'Go Ahead' sequence"},
	"ip":    {244, "Send Telnet Interrupt Process"},
	"nop":   {241, "Send Telnet 'No operation'"},
	"eor":   {239, "Send Telnet 'End of Record'"},
	"abort": {238, "Send Telnet 'Abort Process'"},
	"susp":  {237, "Send Telnet 'Suspend Process'"},
	"eof":   {236, "Send Telnet End of File Character"},
}

// commandHelp is the help, in netkit's words for the commands the lab has.
const commandHelp = `Commands may be abbreviated.  Commands are:

close           close current connection
quit            exit telnet
send            transmit special characters ('send ?' for more)
status          print status information
toggle          toggle operating parameters ('toggle ?' for more)
?               print help information
`

// Run carries out one command line. connected says whether a connection
// is open, host what the user called the host ("localhost").
func (c *Commands) Run(line string, connected bool, host string) Result {
	words := strings.Fields(line)
	if len(words) == 0 {
		return Result{Resume: true}
	}
	name, ok := lookup(words[0], []string{"close", "quit", "status", "send", "toggle", "help", "?"})
	switch {
	case !ok:
		return Result{Output: "?Invalid command\n"}
	case name == "help" || name == "?":
		return Result{Output: commandHelp}
	case name == "quit":
		return Result{Quit: true, Resume: true}
	case name == "close" && !connected:
		return Result{Output: "?Need to be connected first.\n"}
	case name == "close":
		return Result{Close: true, Resume: true}
	case name == "status":
		return Result{Output: c.status(connected, host), Resume: true}
	case name == "send":
		return c.send(words[1:], connected)
	}
	return c.toggle(words[1:])
}

// lookup finds the command word abbreviates, as telnet accepts "cl" for
// close when no other command starts so.
func lookup(word string, names []string) (string, bool) {
	found := ""
	for _, n := range names {
		if n == word {
			return n, true
		}
		if strings.HasPrefix(n, word) {
			if found != "" {
				return "", false
			}
			found = n
		}
	}
	return found, found != ""
}

func (c *Commands) status(connected bool, host string) string {
	var b strings.Builder
	if connected {
		fmt.Fprintf(&b, "Connected to %s.\nOperating in obsolete linemode\nLocal character echo\n", host)
	} else {
		b.WriteString("No connection.\n")
	}
	if c.Visible {
		b.WriteString("Showing control bytes as \\r, \\n and \\xNN.\n")
	}
	b.WriteString(EscapeLine + "\n")
	return b.String()
}

func (c *Commands) send(args []string, connected bool) Result {
	if len(args) == 0 {
		return Result{Output: "need at least one argument for 'send' command\n'send ?' for help\n"}
	}
	if args[0] == "?" {
		return Result{Output: sendHelp()}
	}
	if !connected {
		return Result{Output: "?Need to be connected first.\n'send ?' for help\n"}
	}
	var out []byte
	for _, a := range args {
		if a == "escape" {
			out = append(out, 0x1d)
			continue
		}
		s, ok := sendable[a]
		if !ok {
			return Result{Output: fmt.Sprintf("Unknown send argument '%s'\n'send ?' for help.\n", a)}
		}
		out = append(out, iac, s.code)
	}
	return Result{Send: out, Resume: true}
}

func sendHelp() string {
	var names []string
	for n := range sendable {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%-8s%s\n", n, sendable[n].help)
	}
	b.WriteString("escape  Send current escape character\n?       Display send options\n")
	return b.String()
}

func (c *Commands) toggle(args []string) Result {
	if len(args) == 0 || args[0] == "?" {
		out := "visible         toggle showing CR, LF and other control bytes as \\r \\n \\xNN (the lab's own)\n" +
			"?               display help information\n"
		if len(args) == 0 {
			out = "need at least one argument for 'toggle' command\n'toggle ?' for help\n"
		}
		return Result{Output: out}
	}
	if _, ok := lookup(args[0], []string{"visible"}); !ok {
		return Result{Output: fmt.Sprintf("'%s': unknown argument ('toggle ?' for help).\n", args[0])}
	}
	c.Visible = !c.Visible
	if c.Visible {
		return Result{Output: "Will show control bytes as \\r, \\n and \\xNN.\n", Resume: true}
	}
	return Result{Output: "Will show what the server sends as it is.\n", Resume: true}
}
