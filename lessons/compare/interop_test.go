package compare_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/compare"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/real"
)

// TestLessonSixStackAsNginxGunicornFlask holds lesson 6's stack, the
// lab's proxy in front of its pre-fork server serving the framework's
// version of the talk's app, to the talk's part V: Debian's nginx in
// front of gunicorn (2 sync workers) serving the talk's Flask app. It runs
// testdata/flask-interop.md's requests through both with compare, the
// code path of ngw2f-lab compare, and wants every hop the same, once the
// values that differ by nature are normalised: the client's answer, the
// request nginx writes upstream and gunicorn's answer, byte for byte but
// for those values, and the environ inside the worker.
func TestLessonSixStackAsNginxGunicornFlask(t *testing.T) {
	compareLesson(t, "testdata/flask-interop.md", true)
}

// TestTalksStackAtTheEdges does the same with testdata/flask-edges.md's
// requests, which reach past the ordinary, with the Flask tour app: the
// talk's configuration sends X-Forwarded-For twice; gunicorn trusts a
// client's X-Forwarded-Proto, which nginx passes on, so Werkzeug's
// redirect says https, and two scheme headers that disagree get
// gunicorn's 400; raw bytes in a path reach Flask decoded twice; nginx
// answers /static/ itself, so those requests have one hop.
func TestTalksStackAtTheEdges(t *testing.T) {
	compareLesson(t, "testdata/flask-edges.md", false)
}

// compareLesson runs the lesson at path with compare and wants no hop to
// differ. With everyHop, each journey must have every hop of lesson 6's
// stack compared; else the client's answer at least.
func compareLesson(t *testing.T, path string, everyHop bool) {
	if err := prefork.Supported(); err != nil {
		t.Skipf("the lab's lesson 6 stack needs the pre-fork server: %v", err)
	}
	if err := real.Supported(); err != nil {
		t.Skip(err)
	}
	// Where a program is missing, the test skips (stack/real's tests,
	// which CI requires the programs for, fail there instead).
	progs := real.NewPrograms(real.Paths{})
	for _, p := range []real.Program{real.ProgramNginx, real.ProgramGunicorn} {
		f, err := progs.Find(p)
		switch {
		case err != nil:
			t.Skipf("%v: the test compares lesson 6's stack with the real one", err)
		case p == real.ProgramGunicorn && f.Python != "" && !f.HasModule("Flask"):
			t.Skipf("Flask is not installed for gunicorn's %s (apt-get install python3-flask)", f.Python)
		}
	}
	l, err := lessons.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := compare.Run(ctx, l, compare.Options{Programs: progs})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	rep.Write(&text)
	if len(rep.OnLab) > 0 {
		t.Fatalf("a layer ran on the lab's own on the real side:\n%s", text.String())
	}
	if want := requests(l); len(rep.Journeys) != want {
		t.Fatalf("%d journeys, want the %d requests':\n%s", len(rep.Journeys), want, text.String())
	}
	for _, j := range rep.Journeys {
		compared := map[string]bool{}
		for _, row := range j.Rows {
			if row.Verdict == compare.Differs {
				t.Errorf("%s: %s differs: %s", j.Request, row.Hop, strings.Join(row.Diffs, "; "))
			}
			if row.Verdict == compare.Same || row.Verdict == compare.Normalised {
				compared[row.Hop] = true
			}
		}
		hops := []string{"client <- proxy  answer"}
		if everyHop {
			hops = append(hops, "proxy -> prefork  request", "proxy <- prefork  answer", "prefork -> gateway  environ")
		}
		for _, hop := range hops {
			if !compared[hop] {
				t.Errorf("%s: %s was not compared: one side lacks it", j.Request, hop)
			}
		}
	}
	if t.Failed() {
		t.Logf("the comparison:\n%s", text.String())
	}
}

// requests counts the telnet actions of l: each one request.
func requests(l *lessons.Lesson) int {
	n := 0
	for _, s := range l.Steps {
		for _, b := range s.Blocks {
			for _, a := range b.Actions {
				if a.Verb == lessons.Telnet {
					n++
				}
			}
		}
	}
	return n
}
