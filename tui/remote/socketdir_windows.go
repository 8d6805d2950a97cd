package remote

import (
	"os"
	"path/filepath"
)

// tempDirs is the directory for the socket when XDG_RUNTIME_DIR gives
// none: one under the user's temporary directory (%TEMP%), which is the
// user's own already.
func tempDirs() []string {
	return []string{filepath.Join(os.TempDir(), "ngw2f-lab")}
}

// makePrivate creates dir. Windows has no mode bits to check: the user's
// temporary directory's access list keeps others out.
func makePrivate(dir string) error {
	return os.MkdirAll(dir, 0o700)
}
