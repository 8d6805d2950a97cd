//go:build !windows

package remote

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// tempDirs are the directories of the user's own for the socket when
// XDG_RUNTIME_DIR gives none, named after the user's id as /tmp is
// shared.
func tempDirs() []string {
	name := "ngw2f-lab-" + strconv.Itoa(os.Getuid())
	return []string{filepath.Join(os.TempDir(), name), filepath.Join("/tmp", name)}
}

// makePrivate creates dir with mode 0700, and refuses one that someone
// else could use (or a symlink put there in its place).
func makePrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s must be a directory only you can use (mode 0700)", dir)
	}
	return nil
}
