package main

import "syscall"

// hangup is the signal that says the console the lab's screen is in has
// gone: Windows closes a console window with CTRL_CLOSE_EVENT, which Go
// delivers as SIGTERM (and waits, while it is caught, for the lab to stop
// its layers). Windows has no SIGHUP.
const hangup = syscall.SIGTERM
