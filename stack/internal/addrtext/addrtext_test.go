package addrtext

import (
	"net"
	"testing"
)

var tcpAddrs = []*net.TCPAddr{
	{IP: net.IPv4(127, 0, 0, 1), Port: 50123},
	{IP: net.IP{10, 1, 2, 3}, Port: 80},
	{IP: net.IPv6loopback, Port: 8000},
	{IP: net.ParseIP("::ffff:192.0.2.1"), Port: 1},
	{IP: net.ParseIP("2001:db8::1"), Port: 0},
	{IP: net.ParseIP("fe80::1"), Port: 443, Zone: "eth0"},
	{Port: 8000},
	{IP: net.IP{1, 2, 3}, Port: 9},
	{IP: net.ParseIP("2001:db8::ffff:1"), Port: 65535},
	{IP: net.IPv4(127, 0, 0, 1), Port: 70000},
	{IP: net.IPv4(127, 0, 0, 1), Port: -1},
}

func TestAsNetWritesThem(t *testing.T) {
	t.Parallel()
	for _, a := range tcpAddrs {
		if got, want := string(Append([]byte("x"), a)), "x"+a.String(); got != want {
			t.Errorf("Append(%#v) = %q, want %q", a, got, want)
		}
		if got, want := String(a), a.String(); got != want {
			t.Errorf("String(%#v) = %q, want %q", a, got, want)
		}
		if got, want := string(AppendIP(nil, a.IP)), a.IP.String(); got != want {
			t.Errorf("AppendIP(%v) = %q, want %q", a.IP, got, want)
		}
	}
	unix := &net.UnixAddr{Name: "/tmp/lab.sock", Net: "unix"}
	if got := String(unix); got != unix.String() {
		t.Errorf("String(%v) = %q", unix, got)
	}
	if got := String(nil); got != "" {
		t.Errorf("String(nil) = %q, want none", got)
	}
	var none *net.TCPAddr
	if got, want := String(none), none.String(); got != want {
		t.Errorf("String of a nil *TCPAddr = %q, want %q", got, want)
	}
}

func TestStringTakesOneAllocation(t *testing.T) {
	a := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50123}
	if n := testing.AllocsPerRun(100, func() { _ = String(a) }); n > 1 {
		t.Errorf("String took %v allocations, want at most 1", n)
	}
}
