package main

import (
	"fmt"
	"net"

	"github.com/spf13/cobra"
)

// addServeFlags adds the flags every command that starts layers takes.
func addServeFlags(cmd *cobra.Command, listen *string, port *int) {
	cmd.Flags().StringVar(listen, "listen", "127.0.0.1", "address the front layer listens on (the others stay on 127.0.0.1)")
	cmd.Flags().IntVar(port, "port", 0, "port of the front layer (default: the talk's port when free)")
}

// addFreePortsFlag adds --free-ports, hidden: every layer on a port the
// system picks, which the lab prints. The tests that run the lab's
// binary use it: they must not take the talk's ports, nor a port found
// free and closed, which another program may take before the lab
// listens on it.
func addFreePortsFlag(cmd *cobra.Command, free *bool) {
	cmd.Flags().BoolVar(free, "free-ports", false, "every layer on a port the system picks (for tests)")
	cmd.Flags().MarkHidden("free-ports")
}

// checkServeFlags checks --listen and --port, and warns when the front
// layer would be reachable from other machines. Every command that starts
// layers calls it; the layers behind the front stay on loopback whatever
// --listen says.
func checkServeFlags(ios ioStreams, listen string, port int) error {
	if port < 0 || port > 65535 {
		return &usageError{fmt.Errorf("--port %d is not a port number (0 to 65535)", port)}
	}
	ip := net.ParseIP(listen)
	if ip == nil {
		return &usageError{fmt.Errorf("--listen %q is not an IP address", listen)}
	}
	if !ip.IsLoopback() {
		fmt.Fprintf(ios.Err, "warning: listening on %s makes the lab's front layer reachable from other machines (the layers behind it stay on 127.0.0.1)\n", listen)
	}
	return nil
}
