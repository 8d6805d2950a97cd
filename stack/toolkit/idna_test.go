package toolkit

import (
	"math/big"
	"strings"
	"testing"
)

// TestEncodeHost holds encodeHost to what Werkzeug 2.2.2 (Map.bind's
// lower() and _encode_idna) made of the same hosts (checked with
// /usr/bin/python3; testdata/werkzeug/routes-docs-idna is a capture).
func TestEncodeHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host, want string
		bad        bool
	}{
		{host: "LocalHost:8080", want: "localhost:8080"},
		{host: "b\xfccher.example", want: "xn--bcher-kva.example"},                      // bücher sent as latin-1
		{host: "b\xc3\xbccher.example:8080", want: "xn--b14cher-xwa2143e.example:8080"}, // bücher sent as UTF-8, read as latin-1
		{host: "stra\xdfe.de", want: "strasse.de"},
		{host: "\xfc..example", want: "xn--tda..example"},
		{host: strings.Repeat("a", 64) + ".\xfc", want: strings.Repeat("a", 64) + ".\u00fc", bad: true}, // a label too long
		{host: "soft\xadhyphen.\xfc", want: "softhyphen.xn--tda"},
	}
	for _, tt := range tests {
		got, err := encodeHost(tt.host)
		if got != tt.want || (err != nil) != tt.bad {
			t.Errorf("encodeHost(%q) = %q, %v; want %q (bad %v)", tt.host, got, err, tt.want, tt.bad)
		}
	}
}

// TestNumberConverterAsPython: Werkzeug's \d is any Unicode digit, and
// int() and float() read them; an int has no bound.
func TestNumberConverterAsPython(t *testing.T) {
	t.Parallel()
	intc, _ := newIntConverter(nil, map[string]string{"max": "99"})
	if v, err := intc.ToValue("\u0664\u0662"); v != 42 || err != nil { // Arabic-Indic 42
		t.Errorf("int of Arabic-Indic digits: %v, %v", v, err)
	}
	if v, err := intc.ToValue("\U0001D7D7"); v != 9 || err != nil { // mathematical double-struck 9, a run after others
		t.Errorf("int of a mathematical digit: %v, %v", v, err)
	}
	if _, err := intc.ToValue("123456789012345678901234567890"); err == nil {
		t.Error("a huge int passed max=99")
	}
	huge, _ := newIntConverter(nil, nil)
	v, err := huge.ToValue("123456789012345678901234567890")
	if b, ok := v.(*big.Int); !ok || err != nil || b.String() != "123456789012345678901234567890" {
		t.Errorf("huge int: %v (%T), %v", v, v, err)
	}
	if s, err := huge.ToURL(v); s != "123456789012345678901234567890" || err != nil {
		t.Errorf("huge int to a URL: %q, %v", s, err)
	}
	floatc, _ := newFloatConverter(nil, nil)
	if v, err := floatc.ToValue("\u0662.\u0665"); v != 2.5 || err != nil {
		t.Errorf("float of Arabic-Indic digits: %v, %v", v, err)
	}
}
