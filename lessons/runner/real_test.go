package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/real"
)

// TestRealRunsTheLabsOwnWhereAProgramIsMissing asks for the real
// programs with nginx nowhere to be found: the lesson says so in one
// line, which package brings it, and runs the lab's own proxy instead.
func TestRealRunsTheLabsOwnWhereAProgramIsMissing(t *testing.T) {
	t.Parallel()
	var outs []string
	host := &Host{Real: real.NewPrograms(real.Paths{Nginx: "/nonexistent/nginx"})}
	r, err := New(lessonWith(t, "start proxy config=part-1\ntelnet proxy\n> GET / HTTP/1.0\n>\nexpect status 200\n"),
		Options{Host: host, Out: func(o Output) { outs = append(outs, o.Text) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(outs, "\n")
	for _, want := range []string{"apt-get install nginx", "proxy runs on the lab's own layer instead", "the talk's nginx"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in:\n%s", want, all)
		}
	}
	if n := strings.Count(all, "runs on the lab's own layer instead"); n != 1 {
		t.Errorf("said %d times that the proxy runs on the lab's own", n)
	}
	if failed, checked := r.Failed(); failed != 0 || checked != 1 {
		t.Errorf("%d of %d checks failed", failed, checked)
	}
}

// TestRealStartsTheRealProgram runs a lesson block on the real nginx,
// where it is installed: the layer is nginx's master and worker, and the
// answer carries nginx's own Server header.
func TestRealStartsTheRealProgram(t *testing.T) {
	t.Parallel()
	progs := real.NewPrograms(real.Paths{})
	if _, err := progs.Find(real.ProgramNginx); err != nil {
		t.Skip(err)
	}
	var outs []string
	r, err := New(lessonWith(t, "start proxy config=part-1\ntelnet proxy\n> GET / HTTP/1.0\n>\nexpect status 200\nexpect body Hello World (from Nginx)\n"),
		Options{Host: &Host{Real: progs}, Out: func(o Output) { outs = append(outs, o.Text) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(outs, "\n")
	for _, want := range []string{"the real nginx/", "Server: nginx/", "start worker process"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in:\n%s", want, all)
		}
	}
	if failed, checked := r.Failed(); failed != 0 || checked != 2 {
		t.Errorf("%d of %d checks failed", failed, checked)
	}
}
