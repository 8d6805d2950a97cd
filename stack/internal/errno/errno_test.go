package errno

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
)

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    Errno
		want string
	}{
		{ENOENT, "2: No such file or directory"},
		{EACCES, "13: Permission denied"},
		{ENOTDIR, "20: Not a directory"},
		{ENAMETOOLONG, "36: File name too long"},
		{ELOOP, "40: Too many levels of symbolic links"},
		{ECONNRESET, "104: Connection reset by peer"},
		{ECONNREFUSED, "111: Connection refused"},
		{ECANCELED, "125: Operation canceled"},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("Errno(%d) = %q, want %q", int(tt.e), got, tt.want)
		}
	}
}

// TestNative checks that each of this system's native errors, wrapped as
// the os and net packages wrap them, comes out as its Errno, and that
// every Errno has its words.
func TestNative(t *testing.T) {
	t.Parallel()
	for _, m := range append(native, portable...) {
		err := fmt.Errorf("proxy: %w", &fs.PathError{Op: "open", Path: "/x", Err: m.native})
		if got, ok := Of(err); !ok || got != m.errno {
			t.Errorf("Of(%v) = %d, %v, want %d", m.native, int(got), ok, int(m.errno))
		}
		if !Is(err, m.errno) || Is(err, ETIMEDOUT) != (m.errno == ETIMEDOUT) {
			t.Errorf("Is(%v) does not hold for %d alone", m.native, int(m.errno))
		}
		if texts[m.errno] == "" {
			t.Errorf("Errno %d has no text", int(m.errno))
		}
	}
}

func TestOf(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	closed := porttest.Refused(t)
	_, errMissing := os.Stat(filepath.Join(dir, "missing"))
	_, errUnderFile := os.Stat(filepath.Join(file, "x"))
	_, errLong := os.Stat(filepath.Join(dir, strings.Repeat("a", 300)))
	_, errRefused := net.Dial("tcp", closed)

	notDir, tooLong := ENOTDIR, ENAMETOOLONG
	if runtime.GOOS == "windows" {
		// ERROR_PATH_NOT_FOUND, missing or not a directory; and a name
		// longer than the file system holds is an invalid one.
		notDir, tooLong = ENOENT, ENOENT
	}
	tests := []struct {
		name string
		err  error
		want Errno // 0: none
	}{
		{"missing file", errMissing, ENOENT},
		{"path under a file", errUnderFile, notDir},
		{"name too long", errLong, tooLong},
		{"connection refused", errRefused, ECONNREFUSED},
		{"cancelled", fmt.Errorf("dial: %w", context.Canceled), ECANCELED},
		{"not exist, wrapped", fmt.Errorf("conf: %w", &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}), ENOENT},
		{"permission", fs.ErrPermission, EACCES},
		{"end of file", io.EOF, 0},
		{"other", errors.New("path escapes from parent"), 0},
	}
	for _, tt := range tests {
		got, ok := Of(tt.err)
		if tt.want == 0 && ok || tt.want != 0 && (!ok || got != tt.want) {
			t.Errorf("%s: Of(%v) = %d, %v, want %d", tt.name, tt.err, int(got), ok, int(tt.want))
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	if got, want := Text(&fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}), "2: No such file or directory"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got, want := Text(io.ErrUnexpectedEOF), "unexpected EOF"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}
