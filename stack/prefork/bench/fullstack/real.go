package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/freeaddr"
)

// realPeers are a real stack's front address and processes.
type realPeers struct {
	addr        string
	front, back int // the masters' PIDs: nginx, and the app server behind it
}

// appServer starts a real app server listening on addr, with what it
// writes kept in dir.
type appServer func(dir, addr string) (*exec.Cmd, error)

// gunicorn is Debian's gunicorn with 2 sync workers serving realApp.
func gunicorn(dir, addr string) (*exec.Cmd, error) {
	apps, _ := filepath.Abs(realDir)
	cmd := exec.Command("gunicorn", "--chdir", apps, "-w", "2", "-b", addr, realApp)
	return cmd, cmd.Start()
}

// nginxApp is nginx as the app server: as many workers as gunicorn has,
// each answering every request itself with a short text (return 200),
// and no access log, as gunicorn writes none by default. It is the
// leanest app server real programs make, so nginx in front of it is
// the most a stack of two layers as lean as nginx reaches on this
// machine: the ceiling to read a throughput target against.
func nginxApp(dir, addr string) (*exec.Cmd, error) {
	conf := fmt.Sprintf(`worker_processes 2; pid %[1]s/app.pid; error_log %[1]s/app-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen %[2]s;
    location / { default_type text/plain; return 200 "Hello, World! (from nginx)\n"; }
  }
}`, dir, addr)
	return startNginx(dir, "app.conf", conf)
}

// realStack starts app, and nginx with the talk's part II configuration
// pointed at it (an access log line per request, as the lab's proxy
// writes), in a temporary directory, and returns nginx's address and
// PIDs and a function that stops both by their PIDs. On an error it
// stops what it started.
func realStack(app appServer) (_ realPeers, _ func(), err error) {
	dir, err := os.MkdirTemp("", "ngw2f-fullstack-")
	if err != nil {
		return realPeers{}, nil, err
	}
	var started []*exec.Cmd // the app server, then nginx
	stop := func() {
		for _, cmd := range slices.Backward(started) {
			cmd.Process.Signal(os.Interrupt) // nginx and gunicorn stop their workers on it
			cmd.Wait()
		}
		os.RemoveAll(dir)
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	appAddr, err := freeaddr.Loopback()
	if err != nil {
		return realPeers{}, nil, err
	}
	nginxAddr, err := freeaddr.Loopback()
	if err != nil {
		return realPeers{}, nil, err
	}
	back, err := app(dir, appAddr)
	if err != nil {
		return realPeers{}, nil, err
	}
	started = append(started, back)
	conf := fmt.Sprintf(`worker_processes 1; pid %[1]s/nginx.pid; error_log %[1]s/error.log;
events { worker_connections 1024; }
http {
  access_log %[1]s/access.log;
  upstream app_server { server %[2]s fail_timeout=0; }
  server {
    listen %[3]s;
    location / {
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Host $http_host;
      proxy_redirect off;
      proxy_pass http://app_server;
    }
  }
}`, dir, appAddr, nginxAddr)
	front, err := startNginx(dir, "nginx.conf", conf)
	if err != nil {
		return realPeers{}, nil, err
	}
	started = append(started, front)
	if err := waitFor(appAddr); err != nil {
		return realPeers{}, nil, fmt.Errorf("%s, the app server, did not start: %w", back.Args[0], err)
	}
	if err := waitFor(nginxAddr); err != nil {
		return realPeers{}, nil, fmt.Errorf("nginx in front of %s did not start: %w", back.Args[0], err)
	}
	return realPeers{addr: nginxAddr, front: front.Process.Pid, back: back.Process.Pid}, stop, nil
}

// startNginx writes conf into dir as name and starts nginx on it, in the
// foreground, with dir as its prefix.
func startNginx(dir, name, conf string) (*exec.Cmd, error) {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command("nginx", "-p", dir, "-c", path, "-g", "daemon off;")
	return cmd, cmd.Start()
}

// cpu is the CPU time the stack's front and its app server (with its
// workers) have used so far.
func (p realPeers) cpu() (front cpuTime, back time.Duration) {
	return treeCPU(p.front), treeCPU(p.back).total()
}
