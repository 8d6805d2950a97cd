package gateway

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

func TestHeaderKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key string
		script    bool
	}{
		{"Host", "HTTP_HOST", false},
		{"host", "HTTP_HOST", false},
		{"X-Forwarded-For", "HTTP_X_FORWARDED_FOR", false},
		{"X-Lab-Trace", "HTTP_X_LAB_TRACE", false},
		{"Content-Type", "CONTENT_TYPE", false},
		{"content-length", "CONTENT_LENGTH", false},
		{"Content_Type", "HTTP_CONTENT_TYPE", false},
		{"Script_Name", "HTTP_SCRIPT_NAME", true},
		{"Script-Name", "HTTP_SCRIPT_NAME", false},
		{"X-Stra\u00dfe", "HTTP_X_STRA\u00dfE", false}, // ToUpper leaves ß
		{"x-\u017fsl", "HTTP_X_SSL", false},            // ſ upper-cases to S
		{"bad\xff", "HTTP_BAD\ufffd", false},
		{strings.Repeat("a-", 40), "HTTP_" + strings.Repeat("A_", 40), false},
	}
	for _, tt := range tests {
		key, script := headerKey(tt.name)
		if key != tt.key || script != tt.script {
			t.Errorf("headerKey(%q) = %q, %v; want %q, %v", tt.name, key, script, tt.key, tt.script)
		}
		// gunicorn's own formula, as RequestEnviron wrote it before.
		upper := strings.ToUpper(tt.name)
		want := "HTTP_" + strings.ReplaceAll(upper, "-", "_")
		switch upper {
		case "CONTENT-TYPE":
			want = "CONTENT_TYPE"
		case "CONTENT-LENGTH":
			want = "CONTENT_LENGTH"
		}
		if key != want || script != (upper == "SCRIPT_NAME") {
			t.Errorf("headerKey(%q) = %q, %v; strings.ToUpper makes it %q", tt.name, key, script, want)
		}
	}
}

// TestHeaderKeyAllocs checks that the key of a header every request has
// costs no allocation, which is what headerKey is for.
func TestHeaderKeyAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { headerKey("User-Agent") }); n != 0 {
		t.Errorf("the key of a common header takes %v allocations", n)
	}
}

func TestSplitAddr(t *testing.T) {
	t.Parallel()
	addrs := []net.Addr{
		&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50123},
		&net.TCPAddr{IP: net.IP{10, 1, 2, 3}, Port: 80},
		&net.TCPAddr{IP: net.IPv6loopback, Port: 8000},
		&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 0},
		&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 443, Zone: "eth0"},
		&net.TCPAddr{Port: 8000},
		&net.UnixAddr{Name: "/tmp/lab.sock", Net: "unix"},
	}
	for _, a := range addrs {
		host, port := splitAddr(a)
		wantHost, wantPort, err := net.SplitHostPort(a.String())
		if err != nil {
			wantHost, wantPort = a.String(), ""
		}
		if host != wantHost || port != wantPort {
			t.Errorf("splitAddr(%v) = %q, %q; want %q, %q", a, host, port, wantHost, wantPort)
		}
	}
	if h, p := splitAddr(nil); h != "" || p != "" {
		t.Errorf("splitAddr(nil) = %q, %q", h, p)
	}
}

// TestEnvironIndex checks an environ past linearKeys, which keeps an
// index, against the same keys in order.
func TestEnvironIndex(t *testing.T) {
	t.Parallel()
	e := NewEnviron()
	const n = 3 * linearKeys
	for i := range n {
		e.Set("K"+strconv.Itoa(i), strconv.Itoa(i))
	}
	e.Set("K5", 5) // keeps its place, no longer a string
	e.Del("K7")
	e.Del("missing")
	c := e.Clone()
	c.Set("K7", "back")
	for i := range n {
		k := "K" + strconv.Itoa(i)
		v, ok := e.Get(k)
		switch {
		case i == 7:
			if ok || c.String(k) != "back" {
				t.Errorf("%s: %v %v in e, %q in its clone", k, v, ok, c.String(k))
			}
		case i == 5:
			if v != 5 || e.String(k) != "" {
				t.Errorf("%s = %v, String %q", k, v, e.String(k))
			}
		case v != strconv.Itoa(i):
			t.Errorf("%s = %v, %v", k, v, ok)
		}
	}
	keys := e.Keys()
	if len(keys) != n-1 || keys[5] != "K5" || keys[7] != "K8" || e.Len() != n-1 || c.Keys()[n-1] != "K7" {
		t.Errorf("keys %q", keys)
	}
	for len(keys) > 2 {
		e.Del(keys[0])
		keys = keys[1:]
	}
	if e.String(keys[1]) != strings.TrimPrefix(keys[1], "K") || e.index != nil {
		t.Errorf("after deletions: %q, index %v", e.String(keys[1]), e.index != nil)
	}
}
