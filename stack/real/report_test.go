package real

import "testing"

func TestNativeBytes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii", "/hello", "/hello"},
		{"latin-1 characters are bytes", "/J\u00c3\u00bcrgen", "/J\xc3\xbcrgen"},
		{"decoded twice stays twice", "/J\u00c3\u0083\u00c2\u00bc", "/J\xc3\x83\xc2\xbc"},
		{"past U+00FF is no native string", "/\u20ac", "/\u20ac"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nativeBytes(tt.in); got != tt.want {
				t.Errorf("nativeBytes(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
