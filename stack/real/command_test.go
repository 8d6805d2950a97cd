package real

import (
	"slices"
	"testing"
)

func TestProgramEnv(t *testing.T) {
	t.Parallel()
	got := programEnv([]string{"PATH=/usr/bin", "AWS_SECRET_ACCESS_KEY=x", "LC_ALL=C", "PYENV_VERSION=3.11", "HOME=/root",
		"GITHUB_TOKEN=y", "LCX=no", "PATHS=no", "VIRTUAL_ENV=/venv"})
	want := []string{"PATH=/usr/bin", "LC_ALL=C", "PYENV_VERSION=3.11", "HOME=/root", "VIRTUAL_ENV=/venv"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
