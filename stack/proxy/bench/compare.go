package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/freeaddr"
	"github.com/ngw2f/ngw2f-lab/stack/proxy"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// A mode is how wrk asks: HTTP/1.1 on kept connections, or the talk's
// HTTP/1.0 request on a connection of its own each time.
type mode struct {
	name   string
	script string // a wrk Lua script, "" for none
}

var modes = []mode{
	{"HTTP/1.1 keep-alive", ""},
	{"HTTP/1.0 close", `request = function() return "GET / HTTP/1.0\r\n\r\n" end`},
}

// compare runs wrk against nginx and the proxy, with tracing off and on,
// in every mode, and prints the results. The machine may be busy with
// other work, so the servers take turns, round after round, and each
// figure is the median of its rounds.
func compare(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "ngw2f-lab-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Printf("%d CPUs, load average %s; wrk -t%d -c%d -d%s, %d rounds, the servers taking turns\n\n",
		runtime.NumCPU(), loadAverage(), o.threads, o.conns, o.duration, o.rounds)
	servers := []struct {
		name  string
		start func() (addr string, stop func(), err error)
	}{
		{"nginx (worker_processes 1)", func() (string, func(), error) { return startNginx(dir) }},
		{"proxy, tracing off", func() (string, func(), error) { return startProxy(ctx, false) }},
		{"proxy, tracing on", func() (string, func(), error) { return startProxy(ctx, true) }},
	}
	runs := map[string][]float64{}
	key := func(server, mode string) string { return server + "|" + mode }
	for round := 1; round <= o.rounds; round++ {
		for _, m := range modes {
			for _, s := range servers {
				addr, stop, err := s.start()
				if err != nil {
					return fmt.Errorf("%s: %w", s.name, err)
				}
				rps, err := runWrk(dir, addr, m, o)
				stop()
				if err != nil {
					return fmt.Errorf("%s, %s: %w", s.name, m.name, err)
				}
				runs[key(s.name, m.name)] = append(runs[key(s.name, m.name)], rps)
				fmt.Printf("round %d  %-28s %-20s %10.0f requests/s\n", round, s.name, m.name, rps)
			}
		}
	}
	fmt.Printf("\nmedians (load average now %s):\n", loadAverage())
	for _, m := range modes {
		base := median(runs[key(servers[0].name, m.name)])
		for _, s := range servers {
			med := median(runs[key(s.name, m.name)])
			fmt.Printf("  %-28s %-20s %10.0f requests/s  %5.2fx nginx\n", s.name, m.name, med, med/base)
		}
	}
	return nil
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// loadAverage reads Linux's load average; elsewhere it is "unknown".
func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

var (
	rpsLine   = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkErrors = regexp.MustCompile(`Non-2xx[^\n]*|Socket errors:[^\n]*`)
)

// runWrk runs wrk against addr and returns its requests per second.
func runWrk(dir, addr string, m mode, o options) (float64, error) {
	bin, _ := lookPath("wrk")
	args := []string{"-t", strconv.Itoa(o.threads), "-c", strconv.Itoa(o.conns), "-d", o.duration.String()}
	if m.script != "" {
		script := filepath.Join(dir, "http10.lua")
		if err := os.WriteFile(script, []byte(m.script), 0o644); err != nil {
			return 0, err
		}
		args = append(args, "-s", script)
	}
	out, err := exec.Command(bin, append(args, "http://"+addr+"/")...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	match := rpsLine.FindSubmatch(out)
	if match == nil {
		return 0, fmt.Errorf("wrk said:\n%s", out)
	}
	if m := wrkErrors.FindSubmatch(out); m != nil {
		fmt.Printf("  wrk: %s\n", m[0])
	}
	return strconv.ParseFloat(string(match[1]), 64)
}

// startProxy starts the proxy with the talk's part I configuration, in
// this process, tracing into a recorder drained the way `ngw2f-lab up`
// drains it when tracing is on.
func startProxy(ctx context.Context, tracing bool) (string, func(), error) {
	conf, err := proxy.LoadEmbedded("part-1")
	if err != nil {
		return "", nil, err
	}
	cfg := stack.Config{}
	ctx, cancel := context.WithCancel(ctx)
	drained := make(chan struct{})
	if tracing {
		rec := trace.NewRecorder(0, 0)
		cfg.Trace = rec
		sub := rec.Subscribe()
		go func() {
			defer close(drained)
			defer sub.Close()
			trace.NewAssembler(0).Follow(ctx, sub)
		}()
	} else {
		close(drained)
	}
	s := proxy.New(cfg, conf)
	if err := s.Start(ctx); err != nil {
		cancel()
		return "", nil, err
	}
	return s.Addr().String(), func() {
		s.Close()
		cancel()
		<-drained
	}, nil
}

// startNginx starts nginx with the talk's part I configuration, its
// listen line pointed at a free port, in dir.
func startNginx(dir string) (string, func(), error) {
	prefix := filepath.Join(dir, "nginx")
	if err := proxy.WriteEmbedded("part-1", prefix); err != nil {
		return "", nil, err
	}
	addr, err := freeaddr.Loopback()
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(prefix, "conf", "nginx.conf")
	text, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	conf := "daemon off;\npid " + prefix + "/nginx.pid;\n" + string(text)
	conf = strings.Replace(conf, "listen 8080 default_server;", "listen "+addr+" default_server;", 1)
	conf = strings.Replace(conf, "listen [::]:8080 default_server ipv6only=on;", "", 1)
	conf = strings.Replace(conf, "http {", "http {\n    client_body_temp_path "+prefix+"/body; proxy_temp_path "+prefix+
		"/proxy; fastcgi_temp_path "+prefix+"/fastcgi; uwsgi_temp_path "+prefix+"/uwsgi; scgi_temp_path "+prefix+"/scgi;", 1)
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return "", nil, err
	}
	os.Chmod(dir, 0o755)
	bin, _ := lookPath("nginx")
	cmd := exec.Command(bin, "-p", prefix, "-c", path, "-e", filepath.Join(prefix, "logs", "error.log"))
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		if cmd.Process.Signal(syscall.SIGTERM) != nil {
			cmd.Process.Kill() // Windows has no SIGTERM to send
		}
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr, stop, nil
		}
	}
	stop()
	return "", nil, fmt.Errorf("nginx did not start on %s", addr)
}
