package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/lessons/progress"
	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack/real"
)

// execute runs the root command with args and returns what it printed.
func execute(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := newRootCmd(ioStreams{Out: &out, Err: &errb})
	cmd.SetArgs(args)
	err = cmd.Execute()
	return out.String(), errb.String(), err
}

// flagsOf runs the command newCmd makes on args, and returns the options
// it would have run with.
func flagsOf[T any](newCmd func(ioStreams, func(T) error) *cobra.Command, args []string) (T, error) {
	var got T
	cmd := newCmd(ioStreams{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, func(o T) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	return got, cmd.Execute()
}

func TestLessonFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    lessonOptions
		wantErr bool
	}{
		{name: "number", args: []string{"3"}, want: lessonOptions{Arg: "3", Listen: "127.0.0.1", Theme: "default"}},
		{name: "plain and port", args: []string{"1", "--plain", "--port", "9090"}, want: lessonOptions{Arg: "1", Plain: true, Listen: "127.0.0.1", Port: 9090, Theme: "default"}},
		{name: "file", args: []string{"./x.md", "--listen", "127.0.0.2"}, want: lessonOptions{Arg: "./x.md", Listen: "127.0.0.2", Theme: "default"}},
		{name: "theme", args: []string{"1", "--theme", "high-contrast"}, want: lessonOptions{Arg: "1", Listen: "127.0.0.1", Theme: "high-contrast"}},
		{name: "free ports", args: []string{"1", "--free-ports"}, want: lessonOptions{Arg: "1", Listen: "127.0.0.1", Theme: "default", freePorts: true}},
		{name: "real", args: []string{"3", "--real", "--nginx", "/opt/nginx/sbin/nginx", "--python", "python3.12"},
			want: lessonOptions{Arg: "3", Listen: "127.0.0.1", Theme: "default", Real: realFlags{On: true, Paths: real.Paths{Nginx: "/opt/nginx/sbin/nginx", Python: "python3.12"}}}},
		{name: "no lesson", args: nil, wantErr: true},
		{name: "two lessons", args: []string{"1", "2"}, wantErr: true},
		{name: "bad flag", args: []string{"1", "--colour"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := flagsOf(newLessonCmd, tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error: %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("options %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRootFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    rootOptions
		wantErr bool
	}{
		{name: "alone", args: nil, want: rootOptions{Listen: "127.0.0.1", Theme: "default"}},
		{name: "theme and port", args: []string{"--theme", "high-contrast", "--port", "9000"}, want: rootOptions{Listen: "127.0.0.1", Port: 9000, Theme: "high-contrast"}},
		{name: "a stray argument", args: []string{"lesson1"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got rootOptions
			ran := false
			cmd := newRootCmdWith(ioStreams{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, func(o rootOptions) error {
				got, ran = o, true
				return nil
			})
			cmd.SetArgs(tt.args)
			err := cmd.Execute()
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error: %v", err, tt.wantErr)
			}
			if !tt.wantErr && (!ran || got != tt.want) {
				t.Errorf("options %+v (ran %v), want %+v", got, ran, tt.want)
			}
		})
	}
}

func TestAloneWithoutATerminalPrintsTheList(t *testing.T) {
	t.Parallel()
	out, _, err := execute(t)
	if err != nil || !strings.HasPrefix(out, "1  HTTP is text") {
		t.Errorf("printed %q, %v; want the lesson list", out, err)
	}
}

func TestThemeIsChecked(t *testing.T) {
	t.Parallel()
	err := runTUI(context.Background(), tuiRequest{Theme: "neon"})
	var uerr *usageError
	if !errors.As(err, &uerr) || !strings.Contains(err.Error(), `unknown theme "neon"`) {
		t.Errorf("runTUI with --theme neon: %v, want a usage error naming it", err)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"list", []string{"list"}, exitOK},
		{"unknown lesson", []string{"replay", "12"}, exitUsage},
		{"not a lesson", []string{"lesson", "nope", "--plain"}, exitUsage},
		{"bad flag", []string{"list", "--nope"}, exitUsage},
		{"missing argument", []string{"replay"}, exitUsage},
		{"bad port", []string{"lesson", "1", "--plain", "--port", "70000"}, exitUsage},
	}
	if planned, ok := plannedLesson(t); ok {
		tests = append(tests, struct {
			name string
			args []string
			want int
		}{"planned lesson", []string{"lesson", strconv.Itoa(planned), "--plain"}, exitError})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(tt.args); got != tt.want {
				t.Errorf("run(%q) = %d, want %d", tt.args, got, tt.want)
			}
		})
	}
}

func TestBadFlagPrintsUsageOnce(t *testing.T) {
	t.Parallel()
	_, stderr, err := execute(t, "list", "--nope")
	if err == nil {
		t.Fatal("a bad flag was accepted")
	}
	if n := strings.Count(stderr, "Usage:"); n != 1 {
		t.Errorf("usage printed %d times:\n%s", n, stderr)
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	out, _, err := execute(t, "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 9 {
		t.Fatalf("list printed %d lines, want 9:\n%s", len(lines), out)
	}
	if !strings.HasPrefix(lines[0], "1  HTTP is text") || strings.Contains(lines[0], "not written") {
		t.Errorf("first line %q", lines[0])
	}
	if planned, ok := plannedLesson(t); ok && !strings.Contains(lines[planned-1], "(not written yet)") {
		t.Errorf("a planned lesson does not say so: %q", lines[planned-1])
	}
}

// plannedLesson returns the number of the last lesson not written yet;
// ok is false when every lesson is written.
func plannedLesson(t *testing.T) (n int, ok bool) {
	t.Helper()
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Planned {
			return all[i].Number, true
		}
	}
	return 0, false
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, _, err := execute(t, "--version")
	if err != nil || !strings.HasPrefix(out, "ngw2f-lab version ") {
		t.Errorf("--version printed %q, %v", out, err)
	}
}

func TestReplayOpensNoSocket(t *testing.T) {
	t.Parallel()
	out, _, err := execute(t, "replay", "1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Lesson 1: HTTP is text") || !strings.Contains(out, "<rawsock-port>") {
		t.Errorf("replay 1 printed:\n%s", out)
	}
}

func TestResetProgress(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	path := filepath.Join(state, "ngw2f-lab", progress.FileName)
	store, _ := progress.Open(path)
	if err := store.StepDone("01-http", 1, 9); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := execute(t, "list", "--reset-progress")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("progress file still there: %v", err)
	}
	if !strings.Contains(stderr, "progress reset: "+path+" removed") {
		t.Errorf("stderr %q", stderr)
	}
}

// TestCheckReportsFallback runs check with every layer on a free port,
// where every lesson runs, then with the front layer's port held by the
// test, where lesson 1 falls back. It used the talk's ports, and failed
// when another program held one: a lesson that stops its app server and
// expects the proxy's 502 got that program's answer instead.
func TestCheckReportsFallback(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := checkRun(context.Background(), ioStreams{Out: &out, Err: &out}, checkOptions{Listen: "127.0.0.1", freePorts: true}); err != nil {
		t.Fatalf("check on free ports: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "lesson 1   ok: 9 steps ran live") {
		t.Errorf("check said:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "check: running lesson 9, Why two web servers (8 steps)…") {
		t.Errorf("check says nothing of the lesson it is running:\n%s", out.String())
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	out.Reset()
	err = checkRun(context.Background(), ioStreams{Out: &out, Err: &out}, checkOptions{Listen: "127.0.0.1", Port: taken.Addr().(*net.TCPAddr).Port, freePorts: true})
	var quiet *quietError
	if !errors.As(err, &quiet) || !strings.Contains(out.String(), "lesson 1   FALLS BACK: step 1 (Start the dozen-line server) failed") ||
		!strings.Contains(out.String(), "would replay from the recording") {
		t.Errorf("check with the port taken: %v\n%s", err, out.String())
	}
}

// TestExportSaysHowFarItGot: an export runs its lesson for seconds, and
// says which step it is at, on stderr: stdout may be the export itself.
func TestExportSaysHowFarItGot(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	if err := exportRun(context.Background(), ioStreams{Out: &out, Err: &errb}, exportOptions{Arg: "1", Format: "md"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"export: lesson 1, step 1 of 9: Start the dozen-line server", "export: lesson 1 ran to its end"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if strings.Contains(out.String(), "export: lesson") {
		t.Error("the progress went into the export")
	}
}

// TestHelpFitsAnOrdinaryTerminal checks that every command's own prose,
// its long description and its examples, fits 80 columns, so that help
// read in a workshop's terminal wraps nowhere by surprise.
func TestHelpFitsAnOrdinaryTerminal(t *testing.T) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, text := range []string{c.Long, c.Example} {
			for _, line := range strings.Split(text, "\n") {
				if n := len([]rune(line)); n > 80 {
					t.Errorf("%s: a help line of %d columns: %q", c.CommandPath(), n, line)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(ioStreams{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}))
}
