//go:build unix

package child

import (
	"os"
	"os/exec"
	"strconv"
)

// inherit makes the child started by cmd inherit f, and returns the
// number of the descriptor it gets there.
func inherit(cmd *exec.Cmd, f *os.File) (string, error) {
	cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	return strconv.Itoa(2 + len(cmd.ExtraFiles)), nil
}
