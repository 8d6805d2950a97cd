// Package nginxtest starts a real nginx for interop tests: in a directory
// of its own, on a free loopback port, stopped by its PID when the test
// ends. A test that calls Start is skipped when nginx is not installed.
package nginxtest

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Conf is a configuration that serves root on {{addr}}, with nginx's
// files under {{dir}}.
const Conf = `daemon off;
master_process on;
worker_processes 1;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path {{dir}}/body;
    proxy_temp_path {{dir}}/proxy;
    fastcgi_temp_path {{dir}}/fastcgi;
    uwsgi_temp_path {{dir}}/uwsgi;
    scgi_temp_path {{dir}}/scgi;
    server {
        listen {{addr}};
        root {{dir}}/html;
        index index.html;
    }
}
`

// Start starts nginx serving index, and returns its address.
func Start(t *testing.T, index string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			t.Skip("nginx is not installed (apt-get install nginx)")
		}
		bin = "/usr/sbin/nginx"
	}
	dir, err := os.MkdirTemp("", "nginxtest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	html := filepath.Join(dir, "html")
	if err := os.MkdirAll(html, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(html, "index.html"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755) // workers may run as nobody
	for try := 0; try < 3; try++ {
		addr := freeAddr(t)
		conf := filepath.Join(dir, "nginx.conf")
		text := strings.NewReplacer("{{dir}}", dir, "{{addr}}", addr).Replace(Conf)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting nginx: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if listening(addr, exited) {
			t.Cleanup(func() { stop(cmd.Process, exited) })
			return addr
		}
		stop(cmd.Process, exited)
	}
	t.Fatalf("nginx did not start")
	return ""
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func listening(addr string, exited chan error) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-exited:
			exited <- err
			return false
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return true
		}
	}
	return false
}

// stop ends nginx's master with SIGTERM, which stops its workers, and
// kills it after five seconds.
func stop(p *os.Process, exited chan error) {
	p.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		p.Kill()
		<-exited
	}
}
