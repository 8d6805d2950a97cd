package framework

import (
	"context"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit/devserver"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Run serves the app with the toolkit's development server on addr
// (127.0.0.1:5000, Flask's, when empty) until ctx ends, as app.run():
// threaded, answering in HTTP/1.1, one log line per request into sink
// (which may be nil). It returns once the server has stopped.
func (a *App) Run(ctx context.Context, addr string, sink trace.Sink) error {
	if addr == "" {
		addr = "127.0.0.1:5000"
	}
	s := devserver.New(stack.Config{Addr: addr, Trace: sink}, devserver.Options{Handler: a.ServeWSGI, Threaded: true})
	tap := trace.NewTap(sink, s.Name())
	tap.Log(nil, "log", " * Serving Flask app '"+a.Name+"'")
	tap.Log(nil, "log", " * Debug mode: off")
	if err := s.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(stop); err != nil {
		return s.Close()
	}
	return nil
}
