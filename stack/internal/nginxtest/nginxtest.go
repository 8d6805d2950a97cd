// Package nginxtest starts Debian's nginx for the interop tests that
// compare the lab's layers with it: in a directory of its own, on a
// loopback socket the test holds, stopped by its PID when the test ends.
package nginxtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/peer"
	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
)

// Version is the nginx whose answers the tests' captures hold.
const Version = "nginx/1.22.1"

// Nginx is a running nginx.
type Nginx struct {
	Addr string // host:port it listens on
	Dir  string // its directory: its configuration, logs and files
}

// Options say how to start nginx.
type Options struct {
	// Conf is the configuration. {{dir}} in it becomes nginx's directory
	// and {{addr}} the address to listen on; Vars names other
	// replacements. It must write nginx's PID file to {{dir}}/nginx.pid,
	// where Start sees that nginx runs.
	Conf string
	Vars map[string]string
	// Files are written into the directory first, by relative path.
	Files map[string]string
	// AnyVersion starts another version than Version instead of skipping,
	// to rewrite captures with it.
	AnyVersion bool
}

// Bin returns nginx's path, or skips the test saying how to install it.
// It skips outside Linux: the lab answers as nginx does on Linux, the
// talk's platform, with Linux's errno numbers (macOS's nginx says
// "62: Too many levels of symbolic links" where the lab, as Linux's,
// says "40: ...").
func Bin(t testing.TB) string {
	if runtime.GOOS != "linux" {
		t.Skipf("the interop tests compare the lab with nginx on Linux, whose errors it words; this is %s", runtime.GOOS)
	}
	bin, err := exec.LookPath("nginx")
	if err == nil {
		return bin
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	peer.Missing(t, "nginx is not installed (apt-get install nginx): the interop test compares the lab with it")
	return ""
}

// Start starts nginx, or skips the test when it is not installed or is
// another version than the captures'.
func Start(t testing.TB, opts Options) *Nginx {
	bin := Bin(t)
	out, _ := exec.Command(bin, "-v").CombinedOutput()
	if !bytes.Contains(out, []byte(Version)) && !opts.AnyVersion {
		peer.Missing(t, "the captures are %s's answers, this is %s", Version, bytes.TrimSpace(out))
	}
	// The workers may run as another user (nobody), so the directory must
	// be readable by all.
	dir, err := os.MkdirTemp("", "nginxtest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for name, content := range opts.Files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// nginx is handed its listening socket, open, rather than a port to
	// bind: a port found free and closed may be another test's by the
	// time nginx binds it. nginx takes the sockets its NGINX variable
	// names for the listen directives on their addresses.
	ln, addr := porttest.Listener(t)
	pairs := []string{"{{dir}}", dir, "{{addr}}", addr}
	for k, v := range opts.Vars {
		pairs = append(pairs, "{{"+k+"}}", v)
	}
	conf := strings.NewReplacer(pairs...).Replace(opts.Conf)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	cmd.ExtraFiles = []*os.File{ln}
	cmd.Env = append(os.Environ(), "NGINX=3;")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	ln.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { stop(t, cmd.Process, exited) })
	if !waitRunning(filepath.Join(dir, "nginx.pid"), exited) {
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		t.Fatalf("nginx did not start: %s%s", stderr.Bytes(), log)
	}
	return &Nginx{Addr: addr, Dir: dir}
}

// waitRunning waits up to five seconds for nginx to write its PID file,
// which it does once it has read its configuration and taken its
// sockets, and gives up early when nginx exits. A connection made before
// its workers accept waits in the socket's queue.
func waitRunning(pidFile string, exited chan error) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err
			return false
		default:
		}
		if _, err := os.Stat(pidFile); err == nil {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// stop asks nginx's master process to stop (SIGTERM, a fast shutdown
// that stops its workers too) and kills it if it has not stopped after
// five seconds, or at once where there is no SIGTERM to send.
func stop(t testing.TB, p *os.Process, exited chan error) {
	select {
	case err := <-exited:
		exited <- err
		return
	default:
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		_ = p.Kill() // Windows has no SIGTERM to send
	}
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Errorf("nginx (pid %d) did not stop; killing it", p.Pid)
		_ = p.Kill()
		<-exited
	}
}
