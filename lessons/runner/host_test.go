package runner

import (
	"context"
	"errors"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/prefork"
)

// errNoPrefork stands for prefork.Supported on Windows.
var errNoPrefork = errors.New("no shared sockets on this system")

// noPrefork is a system where the pre-fork server does not run.
var noPrefork = &Host{Prefork: func() error { return errNoPrefork }}

func TestHostLive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		host      *Host
		block     string
		wantLayer string // the layer that keeps the lesson from running live; "" when it runs
	}{
		{name: "no pre-fork server", host: noPrefork, block: "start rawsock\nstart proxy config=part-2\nstop proxy\n"},
		{name: "the pre-fork server", host: noPrefork, block: "start rawsock\nstart prefork workers=1\n", wantLayer: "prefork"},
		{name: "a balanced backend", host: noPrefork, block: "start proxy config=balance\nstart app-b workers=1\n", wantLayer: "app-b"},
		{name: "stopped before the end", host: noPrefork, block: "start prefork\nstop prefork\nstart devserver\n", wantLayer: "prefork"},
		{name: "where it runs", host: &Host{Prefork: func() error { return nil }}, block: "start prefork\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := lessonWith(t, tt.block)
			err := tt.host.Live(l)
			if tt.wantLayer == "" {
				if err != nil {
					t.Fatalf("Live = %v, want nil", err)
				}
				return
			}
			var nl *NotLiveError
			if !errors.As(err, &nl) || nl.Layer != tt.wantLayer || nl.Lesson != 99 || !errors.Is(err, errNoPrefork) {
				t.Fatalf("Live = %#v, want a *NotLiveError for lesson 99's %s", err, tt.wantLayer)
			}
			if want := "Lesson 99 plays its recorded run here: " + errNoPrefork.Error() + "."; nl.Notice() != want {
				t.Errorf("Notice = %q, want %q", nl.Notice(), want)
			}
		})
	}
}

// TestHostLiveHere: a nil Host is this system, where a lesson that
// starts the pre-fork server runs live exactly when prefork.Supported
// says the server runs (on Unix), and otherwise says why not (Windows).
func TestHostLiveHere(t *testing.T) {
	t.Parallel()
	var here *Host
	err := here.Live(lessonWith(t, "start rawsock\nstart prefork workers=1\n"))
	why := prefork.Supported()
	if why == nil {
		if err != nil {
			t.Fatalf("Live = %v, want nil where the pre-fork server runs", err)
		}
		return
	}
	var nl *NotLiveError
	if !errors.As(err, &nl) || nl.Layer != "prefork" || !errors.Is(err, why) {
		t.Fatalf("Live = %v, want a *NotLiveError for prefork that says %q", err, why)
	}
}

// TestStackLiveLooksAtTheStackUpStarts: up starts the layers running at
// a lesson's end, so a lesson that stops its pre-fork server on the way
// has a stack that runs where the pre-fork server does not, and one that
// ends with it has not, and starts nothing.
func TestStackLiveLooksAtTheStackUpStarts(t *testing.T) {
	t.Parallel()
	r, err := New(lessonWith(t, "start prefork workers=1\nstop prefork\nstart devserver\n"), Options{Host: noPrefork})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.StackLive(); err != nil {
		t.Errorf("StackLive of a devserver stack: %v", err)
	}

	r, err = New(lessonWith(t, "start rawsock\nstart prefork workers=1\n"), Options{Host: noPrefork})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = r.StartStack(context.Background())
	var nl *NotLiveError
	if !errors.As(err, &nl) || nl.Layer != "prefork" {
		t.Fatalf("StartStack = %v, want a *NotLiveError for prefork", err)
	}
	if n := len(r.Stack().Layers()); n != 0 {
		t.Errorf("%d layers started, want none", n)
	}
}
