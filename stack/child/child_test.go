package child

import (
	"os"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	Register("child-test", func() int { return 7 })
	tests := []struct {
		name string
		role string
		want int
	}{
		{name: "a registered role runs", role: "child-test", want: 7},
		{name: "an unknown role exits 3", role: "no-such-role", want: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, value, _ := strings.Cut(Mark(tt.role), "=")
			t.Setenv(key, value)
			if !Is() {
				t.Fatal("Is() = false with the mark set")
			}
			if got := Run(); got != tt.want {
				t.Errorf("Run() = %d, want %d", got, tt.want)
			}
			if Is() {
				t.Error("the mark is still set after Run: what the child starts would be a child too")
			}
		})
	}
	os.Unsetenv(Env)
}

func TestRegisterTwicePanics(t *testing.T) {
	Register("child-twice", func() int { return 0 })
	defer func() {
		if recover() == nil {
			t.Error("registering a role twice did not panic")
		}
	}()
	Register("child-twice", func() int { return 0 })
}
