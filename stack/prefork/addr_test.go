package prefork

import (
	"net"
	"testing"
)

var testAddrs = []*net.TCPAddr{
	{IP: net.IPv4(127, 0, 0, 1), Port: 50123},
	{IP: net.IP{10, 1, 2, 3}, Port: 80},
	{IP: net.IPv6loopback, Port: 8000},
	{IP: net.ParseIP("::ffff:192.0.2.1"), Port: 1},
	{IP: net.ParseIP("2001:db8::1"), Port: 0},
	{IP: net.ParseIP("fe80::1"), Port: 443, Zone: "eth0"},
	{Port: 8000},
	{IP: net.IP{1, 2, 3}, Port: 9},
}

func TestAppendAddr(t *testing.T) {
	t.Parallel()
	for _, a := range testAddrs {
		if got, want := string(appendAddr([]byte("x"), a)), "x"+a.String(); got != want {
			t.Errorf("appendAddr(%v) = %q, want %q", a, got, want)
		}
		if got, want := string(appendIP(nil, a.IP)), a.IP.String(); got != want {
			t.Errorf("appendIP(%v) = %q, want %q", a.IP, got, want)
		}
	}
	unix := &net.UnixAddr{Name: "/tmp/lab.sock", Net: "unix"}
	if got := string(appendAddr(nil, unix)); got != unix.String() {
		t.Errorf("appendAddr(%v) = %q", unix, got)
	}
}

func TestSchemeRulesTrust(t *testing.T) {
	t.Parallel()
	tests := []struct {
		allow []string
		peer  net.Addr
		want  bool
	}{
		{DefaultForwardedAllowIPs, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5}, true},
		{DefaultForwardedAllowIPs, &net.TCPAddr{IP: net.IP{127, 0, 0, 1}, Port: 5}, true},
		{DefaultForwardedAllowIPs, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2), Port: 5}, false},
		{DefaultForwardedAllowIPs, &net.TCPAddr{IP: net.IPv6loopback, Port: 5}, false},
		{[]string{"::1"}, &net.TCPAddr{IP: net.IPv6loopback, Port: 5}, true},
		{[]string{"*"}, &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 5}, true},
		{nil, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5}, false},
		{nil, &net.UnixAddr{Name: "/tmp/s", Net: "unix"}, true},
	}
	for _, tt := range tests {
		if got := (schemeRules{allow: tt.allow}).trusts(tt.peer); got != tt.want {
			t.Errorf("allow %q trusts %v = %v, want %v", tt.allow, tt.peer, got, tt.want)
		}
	}
}
