package real

import "os"

// command says how to start a program.
type command struct {
	Path string
	Args []string
	Dir  string
	Env  []string // added to the lab's environment
	// Output receives what the program writes on its standard output and
	// standard error; nil throws it away.
	Output *os.File
}
