//go:build !windows

package main

import "syscall"

// hangup is the signal that says the terminal the lab's screen is in has
// gone: SIGHUP.
const hangup = syscall.SIGHUP
