package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
)

// These tests run the lab as it runs on Windows, where the pre-fork
// server does not: the system's check is set to say so.

// errNoPrefork stands for prefork.Supported's answer on Windows.
var errNoPrefork = errors.New("the pre-fork server's workers cannot share a socket on this test's make-believe system; WSL2 runs it live")

var noPrefork = &runner.Host{Prefork: func() error { return errNoPrefork }}

func mustLesson(t *testing.T, n int) *lessons.Lesson {
	t.Helper()
	l, err := lessons.Get(n)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestPlainPlaysTheRecordingWhereThePreforkServerCannotRun: lesson 3
// (gunicorn) prints its recorded run, as replay does, after one line
// that says so and why.
func TestPlainPlaysTheRecordingWhereThePreforkServerCannotRun(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := runPlain(context.Background(), ioStreams{Out: &out, Err: io.Discard}, mustLesson(t, 3), lessonOptions{Listen: "127.0.0.1", host: noPrefork})
	if err != nil {
		t.Fatal(err)
	}
	replay, _, err := execute(t, "replay", "3")
	if err != nil {
		t.Fatal(err)
	}
	want := "Lesson 3 plays its recorded run here: " + errNoPrefork.Error() + ".\n\n" + replay
	if out.String() != want {
		t.Errorf("lesson 3 --plain printed:\n%.600s\nwant:\n%.600s", out.String(), want)
	}
}

// TestPlainSaysALessonOfOnesOwnHasNoRecording: a lesson file of one's own
// that starts the pre-fork server has no recorded run to play.
func TestPlainSaysALessonOfOnesOwnHasNoRecording(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "mine.md")
	src := "---\nnumber: 42\nslug: mine\ntitle: Mine\n---\n## One\n```lab\nstart prefork workers=1\n```\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := lessons.Find(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = runPlain(context.Background(), ioStreams{Out: &out, Err: io.Discard}, l, lessonOptions{Listen: "127.0.0.1", host: noPrefork})
	if !errors.Is(err, errNoPrefork) || !strings.Contains(err.Error(), "no recorded run") || out.Len() > 0 {
		t.Errorf("lesson mine.md: %v, printed %q; want the reason and no recording", err, out.String())
	}
}

// TestPlainRunsLiveALessonWithoutPrefork: lesson 1 needs no pre-fork
// worker, so it runs for real there too: its output has the port it
// listened on (one the system gave it), where the recording has a
// placeholder.
func TestPlainRunsLiveALessonWithoutPrefork(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := runPlain(context.Background(), ioStreams{Out: &out, Err: io.Discard}, mustLesson(t, 1),
		lessonOptions{Listen: "127.0.0.1", freePorts: true, host: noPrefork})
	if err != nil {
		t.Fatalf("lesson 1: %v\n%s", err, out.String())
	}
	s := out.String()
	if strings.Contains(s, "recorded run") || strings.Contains(s, "<rawsock-port>") || !regexp.MustCompile(`127\.0\.0\.1:[1-9]\d*`).MatchString(s) {
		t.Errorf("lesson 1 did not run live:\n%.800s", s)
	}
}

// unusedPort returns a port nothing listened on a moment ago, for a test
// of a port the lab is told. Another program may take it before the lab
// listens: the test must try again then (upOnFreePort).
func unusedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestUpRefusesAStackThatCannotStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		arg  string
		want *regexp.Regexp
	}{
		{name: "lesson 3", arg: "3", want: regexp.MustCompile(`^lesson 3's stack cannot start here: ` + regexp.QuoteMeta(errNoPrefork.Error()) + `$`)},
		// Lesson 1's stack is the raw server alone: up points to it.
		{name: "the whole stack", want: regexp.MustCompile(`^the whole stack cannot start here: ` + regexp.QuoteMeta(errNoPrefork.Error()) +
			`; here, ngw2f-lab up 1(, \d+)*( or \d+)? starts a smaller stack$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			err := upRun(context.Background(), ioStreams{Out: &out, Err: &errb}, upOptions{Arg: tt.arg, Listen: "127.0.0.1", freePorts: true, host: noPrefork})
			if err == nil || !tt.want.MatchString(err.Error()) {
				t.Fatalf("up %s: %v, want %s", tt.arg, err, tt.want)
			}
			var stderr bytes.Buffer
			if code := exitCode(&stderr, err); code != exitUsage || stderr.String() != "ngw2f-lab: "+err.Error()+"\n" {
				t.Errorf("exit code %d, stderr %q; want %d and the reason", code, stderr.String(), exitUsage)
			}
			if out.Len() > 0 {
				t.Errorf("up printed, as if a layer had started:\n%s", out.String())
			}
		})
	}
}

// TestUpStartsAStackWithoutPrefork: lesson 2's proxy and raw server run
// where the pre-fork server does not.
func TestUpStartsAStackWithoutPrefork(t *testing.T) {
	out, _ := upAndAsk(t, upOptions{Arg: "2", host: noPrefork}, "GET / HTTP/1.0\r\n\r\n", regexp.MustCompile(`journey 1: client -> proxy -> rawsock`))
	if !strings.Contains(out, "< Hello, World! (from a raw socket)\\n") {
		t.Errorf("up 2 printed:\n%s", out)
	}
}

func TestExportRefusesALessonThatCannotRunLive(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := exportRun(context.Background(), ioStreams{Out: &out, Err: io.Discard}, exportOptions{Arg: "3", Format: "md", host: noPrefork})
	var uerr *usageError
	if !errors.As(err, &uerr) || !errors.Is(err, errNoPrefork) || out.Len() > 0 {
		t.Errorf("export 3: %v, printed %q; want a usage error with the reason and nothing printed", err, out.String())
	}
}

// TestCheckReportsRecordedLessons: the lessons that start a pre-fork
// server are reported as recorded here, with the reason once, and do not
// make check fail; the others run live.
func TestCheckReportsRecordedLessons(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := checkRun(context.Background(), ioStreams{Out: &out, Err: &out}, checkOptions{Listen: "127.0.0.1", freePorts: true, host: noPrefork})
	s := out.String()
	if err != nil {
		t.Fatalf("check: %v\n%s", err, s)
	}
	for _, want := range []string{
		"processes  no pre-fork workers here: " + errNoPrefork.Error() + "\n",
		"lesson 1   ok: ",
		"lesson 3   RECORDED here: it starts prefork, which this system cannot run (why below)\n",
		" play their recorded run here: " + errNoPrefork.Error() + ".\n",
		"Every other written lesson runs live here.\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("check printed no %q:\n%s", want, s)
		}
	}
	if !regexp.MustCompile(`\nLessons 3(, \d+)*( and \d+)? play`).MatchString(s) {
		t.Errorf("check does not list lesson 3 as recorded:\n%s", s)
	}
}
