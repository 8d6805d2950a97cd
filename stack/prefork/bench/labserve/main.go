// Command labserve runs the lab's pre-fork server on its own, for load
// tests from outside (wrk): a master in this process, workers started from
// this binary, tracing on into a recorder that keeps the newest events.
//
//	go build -o /tmp/labserve ./stack/prefork/bench/labserve
//	/tmp/labserve -addr 127.0.0.1:8000 -workers 2
//
// It prints "ready" once every worker accepts, and stops gracefully on
// SIGINT or SIGTERM, workers included. With LABSERVE_CPUPROFILE=path set,
// each worker writes a CPU profile to path.PID as it exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

func main() {
	if prefork.IsWorker() {
		os.Exit(runWorker())
	}
	addr := flag.String("addr", "127.0.0.1:8000", "address to listen on")
	workers := flag.Int("workers", 2, "worker processes")
	app := flag.String("app", "hello:application", "app, as module:callable")
	tracing := flag.Bool("trace", true, "record every event, as the lab does")
	flag.Parse()

	cfg := stack.Config{Addr: *addr}
	if *tracing {
		cfg.Trace = trace.NewRecorder(0, 0)
	}
	s := prefork.New(cfg, prefork.Options{App: *app, Workers: *workers, Hooks: []string{}})
	if err := s.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "labserve:", err)
		os.Exit(1)
	}
	fmt.Println("ready", s.Addr(), s.PIDs())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	s.Shutdown(context.Background())
}

// runWorker runs a worker, writing a CPU profile of it to
// $LABSERVE_CPUPROFILE.PID when that is set.
func runWorker() int {
	if path := os.Getenv("LABSERVE_CPUPROFILE"); path != "" {
		f, err := os.Create(fmt.Sprintf("%s.%d", path, os.Getpid()))
		if err == nil {
			pprof.StartCPUProfile(f)
			defer f.Close()
			defer pprof.StopCPUProfile()
		}
	}
	return prefork.RunWorker()
}
