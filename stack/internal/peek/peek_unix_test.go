//go:build unix

package peek

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// pair returns the two ends of a fresh loopback TCP connection.
func pair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func TestPendingLeavesTheBytes(t *testing.T) {
	t.Parallel()
	client, server := pair(t)
	if Pending(server) {
		t.Fatal("Pending before anything was sent")
	}
	if _, err := client.Write([]byte("GET")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !Pending(server) {
		if time.Now().After(deadline) {
			t.Fatal("Pending never saw the bytes sent")
		}
		time.Sleep(time.Millisecond)
	}
	got := make([]byte, 3)
	if _, err := io.ReadFull(server, got); err != nil || string(got) != "GET" {
		t.Fatalf("read %q, %v after Pending; want the bytes still there", got, err)
	}
	if Pending(server) {
		t.Error("Pending after every byte was read")
	}
}

func TestReadable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		peer    func(net.Conn)
		wantErr error
	}{
		{"bytes arrive", func(c net.Conn) { c.Write([]byte("x")) }, nil},
		{"the peer closes", func(c net.Conn) { c.Close() }, nil},
		{"nothing comes", func(net.Conn) {}, os.ErrDeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, server := pair(t)
			server.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			time.AfterFunc(20*time.Millisecond, func() { tt.peer(client) })
			if err := Readable(server); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Readable = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestNoDescriptor(t *testing.T) {
	t.Parallel()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if Pending(a) {
		t.Error("Pending on a connection without a descriptor")
	}
	if err := Readable(a); err != nil {
		t.Errorf("Readable on a connection without a descriptor: %v", err)
	}
}
