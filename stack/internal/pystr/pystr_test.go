package pystr

import "testing"

func TestPyInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int64
		fine bool
	}{
		{"5", 5, true}, {" 5\t", 5, true}, {"+5", 5, true}, {"-0", 0, true}, {"1_000", 1000, true},
		{"\xa05\x85", 5, true}, {"", 0, false}, {"_1", 0, false}, {"1_", 0, false}, {"1__0", 0, false},
		{"0x5", 0, false}, {"5 5", 0, false}, {"99999999999999999999", 1<<63 - 1, true},
	}
	for _, tt := range tests {
		if n, ok := Int(tt.in); n != tt.n || ok != tt.fine {
			t.Errorf("Int(%q) = %d, %v; Python says %d, %v", tt.in, n, ok, tt.n, tt.fine)
		}
	}
}

func TestPyRepr(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"GET /", `'GET /'`},
		{"it's", `"it's"`},
		{`it's "x"`, `'it\'s "x"'`},
		// Python: repr('a\tb\x01\x85\xe9\xad\\\'x')
		{"a\tb\x01\x85\xe9\xad\\'x", "\"a\\tb\\x01\\x85\xe9\\xad\\\\'x\""},
	}
	for _, tt := range tests {
		if got := Repr("", tt.in); got != tt.want {
			t.Errorf("Repr(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUpperAndStrip(t *testing.T) {
	t.Parallel()
	// Python: 'x-é\xdf\xf7'.upper() == 'X-ÉSS\xf7'; '\xb5'.upper() is Greek.
	if got, ok := Upper([]byte("x-\xe9\xdf\xf7")); got != "X-\xc9SS\xf7" || !ok {
		t.Errorf("Upper = %q, %v", got, ok)
	}
	if _, ok := Upper([]byte("\xb5")); ok {
		t.Error("Upper of the micro sign is in latin-1")
	}
	if got := Strip("\x1c\xa0 a b\t\x85"); got != "a b" {
		t.Errorf("Strip = %q", got)
	}
}
