package proxy

import "testing"

func TestNormalizePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		merge    bool
		bad      bool
	}{
		{in: "/", want: "/", merge: true},
		{in: "/index.html", want: "/index.html", merge: true},
		{in: "/a//b", want: "/a/b", merge: true},
		{in: "/a//b", want: "/a//b"},
		{in: "//", want: "/", merge: true},
		{in: "/a/./b", want: "/a/b", merge: true},
		{in: "/a/../b", want: "/b", merge: true},
		{in: "/a/b/..", want: "/a/", merge: true},
		{in: "/a/b/.", want: "/a/b/", merge: true},
		{in: "/a/..b", want: "/a/..b", merge: true},
		{in: "/dir/", want: "/dir/", merge: true},
		{in: "/%41%2f%62", want: "/A/b", merge: true},
		{in: "/a%20b", want: "/a b", merge: true},
		{in: "/..", bad: true, merge: true},
		{in: "/../etc/passwd", bad: true, merge: true},
		{in: "/%2e%2e/etc/passwd", bad: true, merge: true},
		{in: "/dir/%2e%2e/%2e%2e/etc/passwd", bad: true, merge: true},
		{in: "/%2F..%2Fetc/passwd", bad: true, merge: true},
		{in: "/a%00.txt", bad: true, merge: true},
		{in: "/a%zz", bad: true, merge: true},
		{in: "/a%4", bad: true, merge: true},
	}
	for _, tt := range tests {
		got, err := normalizePath(tt.in, tt.merge)
		if tt.bad {
			if err == nil {
				t.Errorf("normalizePath(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("normalizePath(%q, merge %v) = %q, %v; want %q", tt.in, tt.merge, got, err, tt.want)
		}
	}
}

func TestValidateHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"localhost:8080", "localhost", true},
		{"Example.COM.", "example.com", true},
		{"[::1]:80", "[::1]", true},
		{"a/b", "", false},
		{"a..b", "", false},
		{"", "", false},
		{":80", "", false},
		{"a b", "", false},
	}
	for _, tt := range tests {
		got, ok := validateHost(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("validateHost(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSplitTarget(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, host, path, args string }{
		{"/a?b=c", "", "/a", "b=c"},
		{"/a#frag", "", "/a", ""},
		{"http://lab/x?y", "lab", "/x", "y"},
		{"http://lab", "lab", "/", ""},
		{"http://lab?q", "lab", "/", "q"},
	}
	for _, tt := range tests {
		h, p, a := splitTarget(tt.in)
		if h != tt.host || p != tt.path || a != tt.args {
			t.Errorf("splitTarget(%q) = %q %q %q", tt.in, h, p, a)
		}
	}
}
