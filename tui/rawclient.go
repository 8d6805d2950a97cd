package tui

import (
	"context"
	"io"
	"net"

	tea "charm.land/bubbletea/v2"

	telnetterm "github.com/ngw2f/ngw2f-lab/stack/telnet/term"
)

// rawClient runs ngw2f-lab telnet (tcell) through tea.Exec, which gives
// the terminal up first and takes it back after: the two never own it at
// once.
type rawClient struct {
	ctx        context.Context
	host, port string
}

// rawClientDone says the raw telnet client has exited.
type rawClientDone struct{ err error }

// runRawClient returns the Cmd that runs the client on addr.
func runRawClient(ctx context.Context, addr string) tea.Cmd {
	host, port, _ := net.SplitHostPort(addr)
	if host == "127.0.0.1" {
		host = "localhost"
	}
	return tea.Exec(&rawClient{ctx: ctx, host: host, port: port}, func(err error) tea.Msg { return rawClientDone{err} })
}

// Run runs the client. What it showed is not printed after it: the TUI's
// screen comes straight back.
func (c *rawClient) Run() error { return telnetterm.Run(c.ctx, c.host, c.port, io.Discard) }

// SetStdin, SetStdout and SetStderr are tea.ExecCommand's; tcell opens
// the terminal itself.
func (c *rawClient) SetStdin(io.Reader)  {}
func (c *rawClient) SetStdout(io.Writer) {}
func (c *rawClient) SetStderr(io.Writer) {}
