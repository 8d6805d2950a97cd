package proxy

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
)

// TestUwsgiPassLikeNginx sends the request of the uwsgi package's nginx
// capture through uwsgi_pass and compares the packet with the one nginx
// sent, but for the ports, which are each run's own.
func TestUwsgiPassLikeNginx(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "uwsgi", "testdata", "nginx-get.bin"))
	if err != nil {
		t.Fatal(err)
	}
	wantPacket, err := uwsgi.Read(strings.NewReader(string(want)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan *uwsgi.Packet, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		p, _ := uwsgi.Read(c)
		c.Write([]byte("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nhi\n"))
		got <- p
	}()
	params, err := embedded.ReadFile("configs/conf/uwsgi_params")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "uwsgi_params"), params, 0o644)
	conf := `events {}
http {
  access_log off;
  server { listen 127.0.0.1:18181; server_name localhost; root /tmp/uw;
    location / { include uwsgi_params; uwsgi_pass ` + ln.Addr().String() + `; } }
}`
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644)
	c, err := LoadFile(filepath.Join(dir, "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	p := startConfig(t, c, nil)
	answer := ask(t, p.Addr().String(), "GET /hello?name=World HTTP/1.0\r\nHost: localhost:18181\r\nUser-Agent: telnet\r\n\r\n", 3*time.Second)
	if !strings.HasSuffix(string(answer), "\r\n\r\nhi\n") {
		t.Errorf("answered %q", answer)
	}
	packet := <-got
	if packet == nil {
		t.Fatal("the uwsgi server got nothing")
	}
	if len(packet.Vars) != len(wantPacket.Vars) {
		t.Fatalf("%d variables, nginx sent %d:\n%v\n%v", len(packet.Vars), len(wantPacket.Vars), packet.Vars, wantPacket.Vars)
	}
	for i, v := range packet.Vars {
		w := wantPacket.Vars[i]
		if v.Key != w.Key || (v.Value != w.Value && v.Key != "REMOTE_PORT" && v.Key != "SERVER_PORT") {
			t.Errorf("variable %d is %s=%q, nginx sent %s=%q", i, v.Key, v.Value, w.Key, w.Value)
		}
	}
}
