// Command labstack runs the lab's stack for the talk's Flask app on its
// own, for load tests from outside (wrk): the pre-fork server (a master in
// this process, workers started from this binary) serving app:application
// through the gateway, the toolkit and the framework, with tracing on into
// a recorder that keeps the newest events, as the lab runs it.
//
//	go build -o /tmp/labstack ./stack/framework/bench/labstack
//	/tmp/labstack -addr 127.0.0.1:8000 -workers 2
//
// It prints "ready" once every worker accepts, and stops gracefully on
// SIGINT or SIGTERM, workers included.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/trace"

	_ "github.com/ngw2f/ngw2f-lab/stack/framework" // app:application
)

func main() {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	addr := flag.String("addr", "127.0.0.1:8000", "address to listen on")
	workers := flag.Int("workers", 2, "worker processes")
	app := flag.String("app", "app:application", "app, as module:callable")
	tracing := flag.Bool("trace", true, "record every event, as the lab does")
	flag.Parse()

	cfg := stack.Config{Addr: *addr}
	if *tracing {
		cfg.Trace = trace.NewRecorder(0, 0)
	}
	s := prefork.New(cfg, prefork.Options{App: *app, Workers: *workers, Hooks: []string{}})
	if err := s.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "labstack:", err)
		os.Exit(1)
	}
	fmt.Println("ready", s.Addr(), s.PIDs())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	s.Shutdown(context.Background())
}
