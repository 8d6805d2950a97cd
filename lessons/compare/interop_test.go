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
	l, err := lessons.Load("testdata/flask-interop.md")
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
	if len(rep.Journeys) != 7 {
		t.Fatalf("%d journeys, want the 7 requests':\n%s", len(rep.Journeys), text.String())
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
		for _, hop := range []string{"client <- proxy  answer", "proxy -> prefork  request", "proxy <- prefork  answer", "prefork -> gateway  environ"} {
			if !compared[hop] {
				t.Errorf("%s: %s was not compared: one side lacks it", j.Request, hop)
			}
		}
	}
	if t.Failed() {
		t.Logf("the comparison:\n%s", text.String())
	}
}
