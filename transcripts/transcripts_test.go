package transcripts

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/proctest"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
)

var update = flag.Bool("update", false, "rewrite the recorded transcripts from a fresh run")

// TestMain lets the test binary serve as a pre-fork worker, as the lab's
// binary does.
func TestMain(m *testing.M) {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	goleak.VerifyTestMain(m)
}

// runLesson runs l for real on free loopback ports and returns its
// normalized transcript.
func runLesson(t *testing.T, l *lessons.Lesson) string {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	r, err := runner.New(l, runner.Options{Out: w.Write, MeasureAtMost: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Live(); err != nil {
		t.Skip(err) // the lab plays this very transcript instead
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatalf("lesson %d: %v\n%s", l.Number, err, buf.String())
	}
	if failed, checked := r.Failed(); failed > 0 {
		t.Errorf("lesson %d: %d of %d checks failed:\n%s", l.Number, failed, checked, buf.String())
	}
	return NewNormalizer(r.Ports()).Normalize(buf.String())
}

// TestLessonsMatchTranscripts reruns every written lesson for real and
// compares its run with the recorded transcript.
func TestLessonsMatchTranscripts(t *testing.T) {
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		if l.Planned {
			continue
		}
		t.Run(l.ID(), func(t *testing.T) {
			got := runLesson(t, l)
			path := filepath.Join(".", l.ID()+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to record it)", err)
			}
			if wantHere := asHere(string(want)); got != wantHere {
				t.Errorf("lesson %d differs from %s (rerun with -update if the change is meant):\n%s",
					l.Number, path, lineDiff(wantHere, got))
			}
		})
	}
}

// countedFiles is the count of open files in a recorded idle step.
var countedFiles = regexp.MustCompile(`(gained \d+ goroutines, )\d+ \([^)]*\) open files`)

// asHere returns a recorded transcript as a run on this system shows it:
// where open files cannot be counted (Windows), an idle step says they
// are uncounted instead of the count the recording has.
func asHere(recorded string) string {
	if _, err := proctest.OpenFiles(); err != nil {
		return countedFiles.ReplaceAllString(recorded, "${1}uncounted open files")
	}
	return recorded
}

// lineDiff shows the first lines where two texts part.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, a, b)
		}
	}
	return ""
}

// TestRunLeavesNothingOpen runs lesson 1 and checks that no file
// descriptor stays open afterwards (goroutines are checked by TestMain).
func TestRunLeavesNothingOpen(t *testing.T) {
	l, err := lessons.Get(1)
	if err != nil {
		t.Fatal(err)
	}
	before := openFDs(t)
	runLesson(t, l)
	if after := openFDs(t); after > before {
		t.Errorf("%d file descriptors open after the run, %d before", after, before)
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	n, err := proctest.OpenFiles()
	if err != nil {
		t.Skipf("cannot count file descriptors here: %v", err)
	}
	return n
}

func TestRecordedMatchesLessons(t *testing.T) {
	all, _ := lessons.All()
	for _, l := range all {
		_, err := Recorded(l.ID())
		if l.Planned != (err != nil) {
			t.Errorf("lesson %d (planned %v): recorded transcript error %v", l.Number, l.Planned, err)
		}
	}
}

func TestRecordedStep(t *testing.T) {
	t.Parallel()
	got, err := RecordedStep("01-http", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "Step 2 of ") || strings.Contains(got, "Step 3 of") || !strings.Contains(got, "$ telnet localhost <rawsock-port>") {
		t.Errorf("step 2:\n%s", got)
	}
	last, err := RecordedStep("01-http", 8)
	if err != nil || strings.Contains(last, "Lesson 1 finished") || !strings.HasPrefix(last, "Step 9 of 9") {
		t.Errorf("last step: %v\n%s", err, last)
	}
	if _, err := RecordedStep("01-http", 42); err == nil {
		t.Error("step 43 of lesson 1 exists")
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	n := NewNormalizer(map[int]string{41234: "proxy"})
	tests := []struct{ in, want string }{
		{"telnet localhost 41234", "telnet localhost <proxy-port>"},
		{"127.0.0.1:41234 and 127.0.0.1:50000", "127.0.0.1:<proxy-port> and 127.0.0.1:<port>"},
		{`upstream: "http://127.0.0.1:8000/"`, `upstream: "http://127.0.0.1:8000/"`},
		{"2026/11/23 10:44:09 [error] 18705#18705: *4 open()", "<date> [error] <pid>#<pid>: *4 open()"},
		{`open() "/tmp/ngw2f-lab-proxy-2015375347/html/x"`, `open() "<prefix>/html/x"`},
		{`open() "/tmp/ngw2f-lab-proxy-4242-2015375347/html/x"`, `open() "<prefix>/html/x"`},
		{`open() "C:\Users\Ann Lee\AppData\Local\Temp\ngw2f-lab-proxy-2015375347/html/x"`, `open() "<prefix>/html/x"`},
		{`ETag: "6b0418f8-19"`, `ETag: "<etag>"`},
		{"0b 00 REMOTE_PORT  05 00 50123", "0b 00 REMOTE_PORT  05 00 <port>"},
		{"cgi  /x  median 14.2ms, 90% within 1.5s", "cgi  /x  median <duration>, 90% within <duration>"},
		{"pid 7 exited with status 0 after 12ms", "pid <pid> exited with status 0 after <duration>"},
		{"cgi takes 35 times as long as prefork", "cgi takes <n> times as long as prefork"},
		{"served by: app-a 15 (50%), app-c 0 (0%)", "served by: app-a <n> (<share>), app-c <n> (<share>)"},
		{"when it was sent, 17 of the 20 slow clients were still waiting", "when it was sent, <n> of the 20 slow clients were still waiting"},
		{`127.0.0.1 - - [23/Nov/2026 10:09:09] "GET / HTTP/1.0" 200 -`, `127.0.0.1 - - [<date>] "GET / HTTP/1.0" 200 -`},
		{"[2026-11-23 10:09:09,123] ERROR in app: Exception on / [GET]", "[<date>] ERROR in app: Exception on / [GET]"},
	}
	for _, tt := range tests {
		if got := n.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
