package proxy

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFileCacheNoticesAReplacedFile replaces a cached file by another of
// the same size and modification time, as a deploy that renames a new
// file into place can, and checks that the cache reads the new one.
func TestFileCacheNoticesAReplacedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fc := &fileCache{m: map[string]*cached{}}
	f := file{root: root, name: "page", path: filepath.Join(dir, "page")}
	mod := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	read := func() string {
		t.Helper()
		fi, err := root.Stat(f.name)
		if err != nil {
			t.Fatal(err)
		}
		body, err := fc.content(f, fi)
		if err != nil {
			t.Fatal(err)
		}
		defer body.Close()
		return string(body.bytes())
	}

	write("page", "old")
	if got := read(); got != "old" {
		t.Fatalf("first read %q, want old", got)
	}
	if got := read(); got != "old" {
		t.Fatalf("cached read %q, want old", got)
	}
	write("next", "new")
	if err := os.Rename(filepath.Join(dir, "next"), f.path); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != "new" {
		t.Errorf("after the file was replaced: %q, want new", got)
	}
}
