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
// files under {{dir}}. In a configuration, {{temps}} stands for the
// temporary paths nginx must be given to run as a user.
const Conf = `daemon off;
worker_processes 1;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log;
events { worker_connections 64; }
http {
    access_log off;
    {{temps}}
    server {
        listen {{addr}};
        root {{dir}}/html;
        index index.html;
    }
}
`

// temps are the temporary paths, under {{dir}}.
const temps = `client_body_temp_path {{dir}}/body;
    proxy_temp_path {{dir}}/proxy;
    fastcgi_temp_path {{dir}}/fastcgi;
    uwsgi_temp_path {{dir}}/uwsgi;
    scgi_temp_path {{dir}}/scgi;`

// Options say which nginx to start.
type Options struct {
	// Conf is the configuration, with {{dir}} for nginx's directory and
	// {{addr}} for the address to listen on; empty means Conf above.
	Conf string
	// Index is the content of {{dir}}/html/index.html.
	Index string
	// Version, when set, skips the test unless nginx -v names it
	// ("nginx/1.22.1"): captures of one version's answers.
	Version string
}

// Start starts nginx and returns its address.
func Start(t *testing.T, o Options) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			t.Skip("nginx is not installed (apt-get install nginx)")
		}
		bin = "/usr/sbin/nginx"
	}
	if out, _ := exec.Command(bin, "-v").CombinedOutput(); o.Version != "" && !bytes.Contains(out, []byte(o.Version)) {
		t.Skipf("the test wants %s, this is %s", o.Version, bytes.TrimSpace(out))
	}
	if o.Conf == "" {
		o.Conf = Conf
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
	if err := os.WriteFile(filepath.Join(html, "index.html"), []byte(o.Index), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755) // workers may run as nobody
	for try := 0; try < 3; try++ {
		addr := freeAddr(t)
		conf := filepath.Join(dir, "nginx.conf")
		text := strings.ReplaceAll(o.Conf, "{{temps}}", temps)
		text = strings.NewReplacer("{{dir}}", dir, "{{addr}}", addr).Replace(text)
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
			t.Cleanup(func() { stop(t, cmd.Process, exited) })
			return addr
		}
		stop(t, cmd.Process, exited)
		if try == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s%s", stderr.Bytes(), log)
		}
	}
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

// stop ends nginx's master with SIGTERM, a fast shutdown that stops its
// workers too, and kills it if it has not stopped after five seconds.
func stop(t *testing.T, p *os.Process, exited chan error) {
	select {
	case err := <-exited:
		exited <- err
		return
	default:
	}
	p.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Errorf("nginx (pid %d) did not stop; killing it", p.Pid)
		p.Kill()
		<-exited
	}
}
