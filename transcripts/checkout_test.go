package transcripts

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// TestCheckoutKeepsBytes clones this repository with core.autocrlf=true,
// as Git for Windows often sets it, and checks that every file under
// transcripts/ and lessons/ and every testdata file checks out byte for
// byte as committed: the lessons and transcripts are embedded in the lab
// and compared byte for byte, and the testdata holds wire bytes, CRs and
// all. .gitattributes is what keeps them so.
func TestCheckoutKeepsBytes(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: cannot clone the repository")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not in a git checkout: nothing to clone")
	}
	root := strings.TrimSpace(string(top))
	head := git(t, root, nil, "rev-parse", "HEAD")

	dir := t.TempDir()
	git(t, "", nil, "-c", "core.autocrlf=true", "clone", "-q", root, dir)
	if got := git(t, dir, nil, "rev-parse", "HEAD"); got != head {
		t.Fatalf("the clone checked out %s, not HEAD %s", got, head)
	}

	// The committed files and their blobs' hashes, then the hashes of the
	// files the clone checked out, taken as they are on disk.
	var paths, blobs []string
	for _, entry := range strings.Split(git(t, dir, nil, "ls-tree", "-r", "-z", "HEAD"), "\x00") {
		meta, path, ok := strings.Cut(entry, "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 3 || fields[1] != "blob" || fields[0] == "120000" || !compared(path) {
			continue
		}
		paths = append(paths, path)
		blobs = append(blobs, fields[2])
	}
	if len(paths) == 0 {
		t.Fatal("no transcripts, lessons or testdata in the clone's HEAD")
	}
	stdin := strings.NewReader(strings.Join(paths, "\n") + "\n")
	onDisk := strings.Fields(git(t, dir, stdin, "hash-object", "--no-filters", "--stdin-paths"))
	if len(onDisk) != len(paths) {
		t.Fatalf("git hash-object hashed %d files, want %d", len(onDisk), len(paths))
	}
	var changed []string
	for i, path := range paths {
		if onDisk[i] != blobs[i] {
			changed = append(changed, path)
		}
	}
	if len(changed) > 0 {
		t.Fatalf("with core.autocrlf=true, %d of %d files check out changed, e.g. %s",
			len(changed), len(paths), strings.Join(changed[:min(len(changed), 5)], ", "))
	}
	t.Logf("all %d files check out as committed", len(paths))
}

// compared says whether the file at path (slash-separated, from the
// repository's root) must check out byte for byte.
func compared(path string) bool {
	return strings.HasPrefix(path, "transcripts/") || strings.HasPrefix(path, "lessons/") ||
		strings.HasPrefix(path, "testdata/") || strings.Contains(path, "/testdata/")
}

// git runs git in dir (the current directory when empty) with stdin, and
// returns its output without the final newline.
func git(t *testing.T, dir string, stdin io.Reader, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return strings.TrimSuffix(string(out), "\n")
}
