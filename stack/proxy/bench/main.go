// Command bench compares the lab's proxy with Debian's nginx serving the
// talk's index.html, as issue 4 asks: wrk against each, HTTP/1.1
// keep-alive and HTTP/1.0 with a connection per request, the proxy with
// tracing off and on, nginx with worker_processes 1. It prints the
// requests per second and the proxy's ratios to nginx.
//
//	go run ./stack/proxy/bench              # 10 s per run
//	go run ./stack/proxy/bench -d 30s -c 100
//	go run ./stack/proxy/bench -idle 10000  # idle connections and RSS
//
// It says so and exits when nginx or wrk is missing. The servers run one
// at a time on loopback; nginx is stopped by its PID.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
)

func main() {
	// The proxy in the lab's process as the lab runs it (package stack,
	// OneProcessor).
	stack.OneProcessor()
	var o options
	flag.DurationVar(&o.duration, "d", 10*time.Second, "how long each wrk run lasts")
	flag.IntVar(&o.conns, "c", 50, "wrk's connections")
	flag.IntVar(&o.threads, "t", 1, "wrk's threads")
	flag.IntVar(&o.rounds, "r", 3, "rounds: each figure is the median of this many runs")
	flag.IntVar(&o.idle, "idle", 0, "instead: hold this many idle connections to the proxy and report its memory")
	flag.StringVar(&o.idleClient, "idle-client", "", "(internal) open -idle connections to this address and hold them")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	duration       time.Duration
	conns, threads int
	rounds         int
	idle           int
	idleClient     string
}

func run(ctx context.Context, o options) error {
	if o.idleClient != "" {
		return holdIdle(o.idleClient, o.idle)
	}
	if o.idle > 0 {
		return idleRun(ctx, o.idle)
	}
	for _, tool := range []string{"wrk", "nginx"} {
		if _, err := lookPath(tool); err != nil {
			fmt.Printf("bench: skipped: %s is not installed (apt-get install %s)\n", tool, tool)
			return nil
		}
	}
	return compare(ctx, o)
}

// lookPath finds a program, also in /usr/sbin where Debian puts nginx.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	p := "/usr/sbin/" + name
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}
