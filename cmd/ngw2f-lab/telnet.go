package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	telnetterm "github.com/ngw2f/ngw2f-lab/stack/telnet/term"
)

func newTelnetCmd(ios ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "telnet HOST [PORT]",
		Short: "A raw telnet-style client: type requests at any server, ^] for telnet>",
		Long: `Telnet connects to HOST on PORT (23 when left out) and behaves like telnet
in line mode: each line you type goes out with CR LF when you press enter,
and the answer shows as it arrives. ^] opens telnet's own prompt: close,
quit, status, send, and toggle visible, which shows CR, LF and other
control bytes as \r, \n and \xNN. It works against the lab's layers and
any other server, real nginx included.`,
		Example: "  ngw2f-lab telnet localhost 8080",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				c.PrintErrln(c.UsageString())
				return &usageError{fmt.Errorf("telnet takes HOST and an optional PORT, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			port := "23"
			if len(args) == 2 {
				port = args[1]
			}
			if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
				return &usageError{fmt.Errorf("%q is not a port number (1 to 65535)", port)}
			}
			if !term.IsTerminal(int(os.Stdin.Fd())) || !ios.IsTTY {
				return fmt.Errorf("telnet needs a terminal; to send a request without one, use curl or printf ... | nc")
			}
			return telnetRun(c.Context(), ios, args[0], port)
		},
	}
}

func telnetRun(ctx context.Context, ios ioStreams, host, port string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := telnetterm.Run(ctx, host, port, ios.Out); err != nil {
		return &quietError{err} // telnet has said why, as telnet does
	}
	return nil
}
