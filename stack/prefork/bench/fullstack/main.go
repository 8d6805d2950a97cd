// Command fullstack measures the lab's whole front of the stack, the proxy
// with the talk's part II configuration in front of the pre-fork server
// (2 workers) serving the talk's hello app, tracing on:
//
//	go run ./stack/prefork/bench/fullstack -latency   # a journey's p50/p99 vs the loopback floor
//	go run ./stack/prefork/bench/fullstack -wrk       # wrk vs Debian's nginx -> gunicorn
//
// The layers are made by their kinds, as a lesson makes them; a build
// without the proxy says so and stops.
//
// The latency run sends the talk's request n times through the lab's
// stack and, in the same run, measures the floor: two fresh loopback TCP
// connections one after another (client to proxy, proxy to app), each
// answered at once by a goroutine. The wrk run starts, one after another,
// the lab's proxy -> pre-fork and nginx (its part II configuration) ->
// gunicorn with 2 sync workers and apps.py's hello, and runs wrk with the
// same settings against each; real programs are stopped by their PIDs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/prefork/bench/loopback"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

func main() {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	latency := flag.Bool("latency", false, "measure a journey's latency against the loopback floor")
	wrk := flag.Bool("wrk", false, "run wrk against the lab's stack and nginx -> gunicorn")
	n := flag.Int("n", 3000, "requests for -latency")
	wrkArgs := flag.String("wrk-args", "-t2 -c50 -d10s", "wrk's settings")
	cpuprofile := flag.String("cpuprofile", "", "write the lab process's CPU profile here")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	var err error
	switch {
	case *latency:
		err = measureLatency(*n)
	case *wrk:
		err = compareWrk(strings.Fields(*wrkArgs))
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fullstack:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

const talkRequest = "GET / HTTP/1.0\r\n\r\n"

// labStack starts the pre-fork server and the proxy in front of it, both
// recording into one recorder that a subscriber assembles into journeys,
// as the lab does. It makes them as a lesson does, by their kinds, so it
// says so when this build has no proxy yet. It returns the proxy's
// address and a stop function.
func labStack(ctx context.Context) (string, func(), error) {
	pk, _ := runner.LookupKind("prefork")
	xk, ok := runner.LookupKind("proxy")
	if !ok {
		return "", nil, errors.New("this build of the lab has no proxy layer (stack/proxy) to put in front")
	}
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	ctx, cancel := context.WithCancel(ctx)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		asm := trace.NewAssembler(0)
		for {
			evs, err := sub.Next(ctx, 0)
			if err != nil {
				return
			}
			for _, e := range evs {
				asm.Add(e)
			}
		}
	}()
	var layers stack.Stack
	stop := func() {
		layers.StopAll(context.Background())
		cancel()
		<-drained
		sub.Close()
	}
	pf, err := pk.New(stack.Config{Name: "prefork", Trace: rec}, map[string]string{"workers": "2", "hooks": "none"})
	if err == nil {
		err = layers.Start(ctx, pf)
	}
	if err != nil {
		stop()
		return "", nil, err
	}
	peers := map[string]string{"127.0.0.1:8000": pf.Addr().String()}
	px, err := xk.New(stack.Config{Name: "proxy", Trace: rec, Peers: peers}, map[string]string{"config": "part-2"})
	if err == nil {
		err = layers.Start(ctx, px)
	}
	if err != nil {
		stop()
		return "", nil, err
	}
	return px.Addr().String(), stop, nil
}

func measureLatency(n int) error {
	addr, stop, err := labStack(context.Background())
	if err != nil {
		return err
	}
	defer stop()
	answer, err := exchange(addr, talkRequest)
	if err != nil {
		return err
	}
	floorAddr, closeFloor, err := floorServer([]byte(answer))
	if err != nil {
		return err
	}
	defer closeFloor()
	floor := sample(n, func() error {
		for range 2 { // client -> proxy, proxy -> app: two fresh connections
			if _, err := exchange(floorAddr, talkRequest); err != nil {
				return err
			}
		}
		return nil
	})
	journey := sample(n, func() error { _, err := exchange(addr, talkRequest); return err })
	fmt.Printf("floor, two fresh loopback connections: p50 %v  p99 %v\n", floor[len(floor)/2], floor[len(floor)*99/100])
	fmt.Printf("client -> proxy -> prefork -> app:     p50 %v  p99 %v\n", journey[len(journey)/2], journey[len(journey)*99/100])
	fmt.Printf("p50 ratio %.2f (target <= 2)\n", float64(journey[len(journey)/2])/float64(floor[len(floor)/2]))
	return nil
}

// sample runs f n times, after a warm-up, and returns the durations
// sorted.
func sample(n int, f func() error) []time.Duration {
	for range 200 {
		f()
	}
	out := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if f() == nil {
			out = append(out, time.Since(start))
		}
	}
	slices.Sort(out)
	return out
}

func exchange(addr, req string) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := io.WriteString(c, req); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}

// floorServer answers each connection at once with answer, from a
// goroutine of this process.
func floorServer(answer []byte) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go loopback.Serve(ln, answer)
	return ln.Addr().String(), func() { ln.Close() }, nil
}

var reqPerSec = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)

func runWrk(args []string, addr string) (string, error) {
	out, err := exec.Command("wrk", append(args, "http://"+addr+"/")...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("wrk: %v: %s", err, out)
	}
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "Requests/sec") || strings.Contains(l, "Latency") || strings.Contains(l, "Non-2xx") || strings.Contains(l, "errors") {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	return strings.Join(keep, "; "), nil
}

func compareWrk(args []string) error {
	for _, tool := range []string{"wrk", "nginx", "gunicorn"} {
		if _, err := exec.LookPath(tool); err != nil {
			fmt.Printf("skipped: %s is not installed (apt-get install %s)\n", tool, tool)
			return nil
		}
	}
	addr, stop, err := labStack(context.Background())
	if err != nil {
		return err
	}
	lab, err := runWrk(args, addr)
	stop()
	if err != nil {
		return err
	}
	real, stopReal, err := realStack()
	if err != nil {
		return err
	}
	ref, err := runWrk(args, real)
	stopReal()
	if err != nil {
		return err
	}
	fmt.Printf("wrk %s\n", strings.Join(args, " "))
	fmt.Printf("lab proxy -> prefork (2 workers, tracing on): %s\n", lab)
	fmt.Printf("nginx 1.22 -> gunicorn 20.1.0 (2 sync):       %s\n", ref)
	l, r := reqPerSec.FindStringSubmatch(lab), reqPerSec.FindStringSubmatch(ref)
	if l != nil && r != nil {
		var a, b float64
		fmt.Sscan(l[1], &a)
		fmt.Sscan(r[1], &b)
		fmt.Printf("ratio %.2f (target >= 2)\n", a/b)
	}
	return nil
}

// realStack starts gunicorn (2 sync workers, apps.py's hello) and nginx
// with the talk's part II configuration pointed at it, in a temporary
// directory, and returns nginx's address and a function that stops both
// by their PIDs.
func realStack() (string, func(), error) {
	dir, err := os.MkdirTemp("", "ngw2f-fullstack-")
	if err != nil {
		return "", nil, err
	}
	gunAddr, nginxAddr := freeAddr(), freeAddr()
	apps, _ := filepath.Abs(filepath.Join("stack", "prefork", "testdata", "gunicorn"))
	gun := exec.Command("gunicorn", "--chdir", apps, "-w", "2", "-b", gunAddr, "apps:hello")
	if err := gun.Start(); err != nil {
		return "", nil, err
	}
	conf := fmt.Sprintf(`worker_processes 1; pid %[1]s/nginx.pid; error_log %[1]s/error.log;
events { worker_connections 1024; }
http {
  access_log off;
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
}`, dir, gunAddr, nginxAddr)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		return "", nil, err
	}
	ng := exec.Command("nginx", "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;")
	if err := ng.Start(); err != nil {
		gun.Process.Kill()
		return "", nil, err
	}
	stop := func() {
		ng.Process.Signal(os.Interrupt)
		gun.Process.Signal(os.Interrupt)
		ng.Wait()
		gun.Wait()
		os.RemoveAll(dir)
	}
	for _, a := range []string{gunAddr, nginxAddr} {
		if err := waitFor(a); err != nil {
			stop()
			return "", nil, err
		}
	}
	return nginxAddr, stop, nil
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:0"
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(addr string) error {
	for range 200 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on %s", addr)
}
