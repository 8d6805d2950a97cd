package errno

import (
	"strings"
	"syscall"
	"testing"
)

// TestLinuxWords checks the table against Linux's own numbers and words,
// which Go's syscall package has from the kernel's headers and glibc.
func TestLinuxWords(t *testing.T) {
	t.Parallel()
	for e, text := range texts {
		msg := syscall.Errno(e).Error()
		if want := strings.ToUpper(msg[:1]) + msg[1:]; text != want {
			t.Errorf("Errno %d: %q, Linux says %q", int(e), text, want)
		}
	}
	for _, m := range native {
		if n := m.native.(syscall.Errno); Errno(n) != m.errno {
			t.Errorf("%v is %d on Linux, the table says %d", n, int(n), int(m.errno))
		}
	}
}
