package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/real"
)

// realFlags are the flags of a command that can run the real programs
// instead of the lab's layers: --real, and where each program is.
type realFlags struct {
	On    bool
	Paths real.Paths
}

// addRealFlags adds --nginx, --gunicorn, --python and --uwsgi to cmd,
// and --real when withSwitch is set (compare always runs them).
func addRealFlags(cmd *cobra.Command, f *realFlags, withSwitch bool) {
	if withSwitch {
		cmd.Flags().BoolVar(&f.On, "real", false,
			"run the real nginx, gunicorn, uWSGI and Python servers, with the talk's own files, in place of the lab's layers")
	}
	cmd.Flags().StringVar(&f.Paths.Nginx, "nginx", "", "the nginx to run with --real (default: nginx on PATH)")
	cmd.Flags().StringVar(&f.Paths.Gunicorn, "gunicorn", "", "the gunicorn to run with --real (default: gunicorn on PATH)")
	cmd.Flags().StringVar(&f.Paths.Python, "python", "", "the Python to run wsgiref and Werkzeug's server with, with --real (default: python3 on PATH)")
	cmd.Flags().StringVar(&f.Paths.Uwsgi, "uwsgi", "", "the uWSGI to run with --real (default: uwsgi on PATH)")
}

// host returns the host to run on: base (nil is this system), with the
// real programs when --real is on.
func (f realFlags) host(base *runner.Host) *runner.Host {
	if !f.On {
		return base
	}
	h := &runner.Host{Real: real.NewPrograms(f.Paths)}
	if base != nil {
		h.Prefork = base.Prefork
	}
	return h
}

// stands says which layers each real program stands for.
var stands = map[real.Program]string{
	real.ProgramNginx:    "the proxy",
	real.ProgramGunicorn: "the pre-fork server (lessons 3 to 9), app-a to app-c",
	real.ProgramPython:   "the socket server, wsgiref and Werkzeug's server (lessons 1, 4, 5, 6)",
	real.ProgramUwsgi:    "the pre-fork server with protocol=uwsgi (lesson 8)",
}

// checkPrograms lists the real programs progs finds, one a line, and
// what each missing one means.
func checkPrograms(w io.Writer, progs *real.Programs) {
	for _, p := range real.AllPrograms {
		f, err := progs.Find(p)
		if err != nil {
			line(w, string(p), fmt.Sprintf("MISSING: %v; the lab's own layers stand in for %s", err, stands[p]))
			continue
		}
		line(w, string(p), fmt.Sprintf("%s: %s", f, stands[p]))
	}
	line(w, "cgi", "no real program: the lab's CGI gateway runs in lesson 7 (it stands for Apache's mod_cgi)")
}
