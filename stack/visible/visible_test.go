package visible

import (
	"reflect"
	"strings"
	"testing"
)

func TestBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain text", "GET / HTTP/1.0", "GET / HTTP/1.0"},
		{"line ends and tab", "a\tb\r\n", `a\tb\r\n`},
		{"a backslash is doubled", `C:\x`, `C:\\x`},
		{"control and high bytes", "\x00\x1b[2J\x7f\xff", `\x00\x1b[2J\x7f\xff`},
		{"UTF-8 is spelled byte by byte", "ü", `\xc3\xbc`},
	}
	for _, tt := range tests {
		if got := Bytes([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: Bytes(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{"a\r\nb\n", []string{"a\r\n", "b\n"}},
		{"a\n\nb", []string{"a\n", "\n", "b"}},
	}
	for _, tt := range tests {
		var got []string
		for _, l := range Lines([]byte(tt.in)) {
			got = append(got, string(l))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestElide(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 50) + strings.Repeat("b", 100) + strings.Repeat("c", 50)
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short enough", "abc", 60, "abc"},
		{"a bound too small to say anything", long, 39, long},
		{"the middle goes", long, 60, long[:40] + " ... (150 more) ... " + long[190:]},
	}
	for _, tt := range tests {
		if got := Elide(tt.in, tt.max); got != tt.want {
			t.Errorf("%s: Elide = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestScreen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"CR LF becomes LF", "a\r\nb\r\n", "a\nb\n"},
		{"tabs and UTF-8 stay", "ü\tx", "ü\tx"},
		{"an escape sequence is spelled out", "\x1b]52;c;AAAA\x07", `\x1b]52;c;AAAA\x07`},
		{"a lone CR is spelled out", "a\rb", `a\x0db`},
	}
	for _, tt := range tests {
		if got := Screen(tt.in); got != tt.want {
			t.Errorf("%s: Screen(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// FuzzVisible holds both spellings to their promise on any bytes a
// server may send: Bytes leaves only printable ASCII, and Screen no
// control byte but LF and tab.
func FuzzVisible(f *testing.F) {
	for _, seed := range []string{"GET / HTTP/1.0\r\n\r\n", "\x1b[2J\x00\xff", "ü\t\r\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range []byte(Bytes(b)) {
			if c < 0x20 || c >= 0x7f {
				t.Fatalf("Bytes(%q) holds %#x", b, c)
			}
		}
		for _, c := range []byte(Screen(string(b))) {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				t.Fatalf("Screen(%q) holds %#x", b, c)
			}
		}
	})
}
