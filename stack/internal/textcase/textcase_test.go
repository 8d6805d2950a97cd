package textcase

import (
	"strings"
	"testing"
)

func TestAppendMatchesStrings(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "Content-Length", "x-forwarded-for", "HOST", "a1-_~Z", "Straße", "\u212a", "\xff\xfe", "ǅ"} {
		if got, want := string(AppendUpper([]byte("<"), s)), "<"+strings.ToUpper(s); got != want {
			t.Errorf("AppendUpper(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(AppendLower([]byte("<"), s)), "<"+strings.ToLower(s); got != want {
			t.Errorf("AppendLower(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzAppendMatchesStrings(f *testing.F) {
	f.Add("Content-Type")
	f.Add("Ünïcödé")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendUpper(nil, s)), strings.ToUpper(s); got != want {
			t.Errorf("AppendUpper(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(AppendLower(nil, s)), strings.ToLower(s); got != want {
			t.Errorf("AppendLower(%q) = %q, want %q", s, got, want)
		}
	})
}
