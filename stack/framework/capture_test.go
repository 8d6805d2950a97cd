package framework

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit/devserver"
)

// The captures in testdata/flask are what Flask 2.2.2 answered, serving
// the apps of apps.py there with Werkzeug's development server and with
// gunicorn 20.1.0 (capture.py). These tests serve the lab's apps of the
// same names with the lab's development server and pre-fork server, send
// the same bytes and compare.

var captures = filepath.Join("testdata", "flask")

func startLayer(t *testing.T, l stack.Layer) stack.Layer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestAnswersAsFlaskOnTheDevelopmentServer(t *testing.T) {
	t.Parallel()
	for _, g := range []struct {
		app      string
		prefix   string
		threaded bool
	}{{"app:application", "talk", false}, {"tour:application", "tour-", false}, {"tour:application", "threaded-", true}} {
		t.Run(g.prefix, func(t *testing.T) {
			t.Parallel()
			s := startLayer(t, devserver.New(stack.Config{}, devserver.Options{App: g.app, Threaded: g.threaded}))
			for _, name := range capture.Names(t, captures, g.prefix) {
				t.Run(name, func(t *testing.T) {
					req, want := capture.Read(t, captures, name)
					capture.Compare(t, capture.RoundTrip(t, s.Addr(), req), want, "")
				})
			}
		})
	}
}

func TestAnswersAsFlaskUnderGunicorn(t *testing.T) {
	t.Parallel()
	if err := prefork.Supported(); err != nil {
		t.Skip(err)
	}
	s := startLayer(t, prefork.New(stack.Config{}, prefork.Options{App: "app:application", Workers: 1}))
	for _, name := range capture.Names(t, captures, "gunicorn-") {
		t.Run(name, func(t *testing.T) {
			req, want := capture.Read(t, captures, name)
			capture.Compare(t, capture.RoundTrip(t, s.Addr(), req), want, "")
		})
	}
}
