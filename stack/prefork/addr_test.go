package prefork

import (
	"net"
	"testing"
)

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
