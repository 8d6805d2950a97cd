package runner

import (
	"context"
	"net"
	"testing"
)

// TestListenAppliesToTheFrontOnly starts a proxy in front of a raw socket
// server with the front on another address than loopback's 127.0.0.1
// (IPv6's ::1): the proxy listens there, and the server behind it stays
// on 127.0.0.1, where no one can reach it around the proxy.
func TestListenAppliesToTheFrontOnly(t *testing.T) {
	t.Parallel()
	if ln, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	} else {
		ln.Close()
	}
	r, err := New(lessonWith(t, "start rawsock\nstart proxy\n"), Options{Listen: "::1"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.StartStack(context.Background()); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"proxy": "::1", "rawsock": "127.0.0.1"} {
		l := r.Stack().Get(name)
		if l == nil {
			t.Fatalf("%s is not running", name)
		}
		if host, _, _ := net.SplitHostPort(l.Addr().String()); host != want {
			t.Errorf("%s listens on %s, want %s", name, l.Addr(), want)
		}
	}
}
