//go:build !windows

package remote

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// tempDirs are the directories of the user's own for the socket when
// XDG_RUNTIME_DIR gives none, named after the user's id as /tmp is
// shared.
func tempDirs() []string {
	name := "ngw2f-lab-" + strconv.Itoa(os.Getuid())
	return []string{filepath.Join(os.TempDir(), name), filepath.Join("/tmp", name)}
}

// makePrivate creates dir with mode 0700, and refuses one that someone
// else could use (or a symlink put there in its place), or that someone
// else owns: another user who made it first, in the shared /tmp, could
// keep the notes from connecting, or, for root, answer in the lab's
// place and read what the presenter sends.
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
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Getuid() {
		return fmt.Errorf("%s belongs to another user: remove it, or set XDG_RUNTIME_DIR to a directory of your own", dir)
	}
	return nil
}
