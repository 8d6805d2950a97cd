//go:build !windows

package remote

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSocketDirOfAnotherUser finds the socket's directory made first by
// another user, with the right mode, as anyone may in /tmp: SocketPath
// refuses it. Only root can make a directory someone else owns.
func TestSocketDirOfAnotherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("making a directory another user owns takes root")
	}
	tmp := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", "")
	setTempDir(t, tmp)
	dir := filepath.Join(tmp, "ngw2f-lab-"+strconv.Itoa(os.Getuid()))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	p, err := SocketPath()
	if err == nil || !strings.Contains(err.Error(), "belongs to another user") {
		t.Errorf("SocketPath = %q, %v; want a refusal", p, err)
	}
}
