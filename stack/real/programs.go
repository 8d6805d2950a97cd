package real

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Program is a real program the lab can start in place of one of its own
// layers.
type Program string

// The real programs.
const (
	ProgramNginx    Program = "nginx"
	ProgramGunicorn Program = "gunicorn"
	ProgramPython   Program = "python"
	ProgramUwsgi    Program = "uwsgi"
)

// AllPrograms lists the programs in the order check shows them.
var AllPrograms = []Program{ProgramNginx, ProgramGunicorn, ProgramPython, ProgramUwsgi}

// Paths are where the real programs are when flags say (--nginx,
// --gunicorn, --python, --uwsgi); an empty path means the program's name
// looked up on PATH.
type Paths struct {
	Nginx, Gunicorn, Python, Uwsgi string
}

func (p Paths) of(prog Program) string {
	switch prog {
	case ProgramNginx:
		return p.Nginx
	case ProgramGunicorn:
		return p.Gunicorn
	case ProgramPython:
		return p.Python
	case ProgramUwsgi:
		return p.Uwsgi
	}
	return ""
}

// Programs finds the real programs on this machine and remembers what it
// found. It is safe for concurrent use; a nil *Programs finds them on
// PATH.
type Programs struct {
	paths Paths

	mu    sync.Mutex
	found map[Program]*Found
	errs  map[Program]error
}

// NewPrograms returns a Programs that looks where paths say first.
func NewPrograms(paths Paths) *Programs {
	return &Programs{paths: paths, found: map[Program]*Found{}, errs: map[Program]error{}}
}

// Found is a real program on this machine.
type Found struct {
	Program Program
	Path    string
	// Version is how the program names its version: "nginx/1.22.1",
	// "gunicorn 20.1.0", "Python 3.11.2", "uWSGI 2.0.21-debian".
	Version string
	// Talk is the version the talk ran, when this is another one; empty
	// when they are the same.
	Talk string
	// Python is, for gunicorn, the interpreter it runs on.
	Python string
	// Modules names the Python modules the lessons' apps need, with their
	// versions, where the interpreter has them: "Flask 2.2.2".
	Modules []string
	// Plugin is, for uWSGI, the plugin that brings Python ("python3"), or
	// empty when Python is built in.
	Plugin string
}

// String says what was found, for a line on screen.
func (f *Found) String() string {
	s := f.Path + ", " + f.Version
	if f.Talk != "" {
		s += " (the talk ran " + f.Talk + ")"
	}
	if f.Python != "" {
		s += ", on " + f.Python
	}
	if len(f.Modules) > 0 {
		s += " with " + strings.Join(f.Modules, ", ")
	}
	return s
}

// MissingError says that a real program is not on this machine, and
// which package brings it.
type MissingError struct {
	What     string // "nginx", "Flask for /usr/bin/python3"
	Why      string // "not on PATH", or what went wrong running it
	Debian   string // the Debian package that brings it
	Homebrew string // how to get it on macOS
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("%s is missing (%s; Debian: apt-get install %s; macOS: %s)", e.What, e.Why, e.Debian, e.Homebrew)
}

// The versions the talk ran, on Debian 12.
var talkVersions = map[Program]string{
	ProgramNginx:    "nginx/1.22.1",
	ProgramGunicorn: "gunicorn 20.1.0",
	ProgramPython:   "Python 3.11",
	ProgramUwsgi:    "uWSGI 2.0.21",
}

// packages says which packages bring each program.
var packages = map[Program][2]string{ // Debian, macOS
	ProgramNginx:    {"nginx", "brew install nginx"},
	ProgramGunicorn: {"gunicorn python3-flask", "brew install gunicorn"},
	ProgramPython:   {"python3 python3-werkzeug", "brew install python"},
	ProgramUwsgi:    {"uwsgi uwsgi-plugin-python3", "brew install uwsgi"},
}

// Find returns the real program prog, or a *MissingError.
func (p *Programs) Find(prog Program) (*Found, error) {
	if p == nil {
		p = NewPrograms(Paths{})
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if f, ok := p.found[prog]; ok {
		return f, nil
	}
	if err, ok := p.errs[prog]; ok {
		return nil, err
	}
	f, err := find(prog, p.paths.of(prog))
	if err != nil {
		p.errs[prog] = err
		return nil, err
	}
	p.found[prog] = f
	return f, nil
}

// find looks for prog at path, or on PATH when path is empty, and asks it
// its version.
func find(prog Program, path string) (*Found, error) {
	if err := Supported(); err != nil {
		return nil, err
	}
	pkgs := packages[prog]
	missing := func(what, why string) error {
		return &MissingError{What: what, Why: why, Debian: pkgs[0], Homebrew: pkgs[1]}
	}
	name := string(prog)
	if prog == ProgramPython {
		name = "python3"
	}
	where := "not on PATH"
	if path != "" {
		name, where = path, "not found at "+path
	}
	bin, err := exec.LookPath(name)
	if err != nil && prog == ProgramNginx && path == "" {
		bin, err = exec.LookPath("/usr/sbin/nginx") // Debian's, outside a user's PATH
	}
	if err != nil {
		return nil, missing(string(prog), where)
	}
	if abs, err := filepath.Abs(bin); err == nil {
		bin = abs
	}
	f := &Found{Program: prog, Path: bin}
	switch prog {
	case ProgramNginx:
		out, err := output(bin, "-v")
		f.Version = firstMatch(`nginx/\S+`, out)
		if err != nil || f.Version == "" {
			return nil, missing("nginx", says(bin+" -v", out, err))
		}
	case ProgramGunicorn:
		out, err := output(bin, "--version")
		v := firstMatch(`\d+\.\d+(\.\d+)?`, out)
		if err != nil || v == "" {
			return nil, missing("gunicorn", says(bin+" --version", out, err))
		}
		f.Version = "gunicorn " + v
		f.Python = interpreter(bin)
		if f.Python != "" {
			f.Modules = modules(f.Python)
		}
	case ProgramPython:
		out, err := output(bin, "--version")
		f.Version = firstMatch(`Python \S+`, out)
		if err != nil || f.Version == "" {
			return nil, missing("python3", says(bin+" --version", out, err))
		}
		f.Modules = modules(bin)
	case ProgramUwsgi:
		out, err := output(bin, "--need-plugin", "python3", "--version")
		switch {
		case err == nil && !strings.Contains(out, "UNABLE"):
			f.Plugin = "python3"
		default:
			help, _ := output(bin, "--help")
			if !strings.Contains(help, "--wsgi-file") {
				return nil, missing("uWSGI's Python 3 plugin", bin+" has no Python")
			}
		}
		out, _ = output(bin, "--version")
		f.Version = "uWSGI " + strings.TrimSpace(out)
	}
	if talk := talkVersions[prog]; !strings.HasPrefix(f.Version, talk) {
		f.Talk = talk
	}
	return f, nil
}

// output runs bin with args and returns what it printed, both streams,
// giving it fifteen seconds: Python starts slowly on a busy laptop.
func output(bin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s did not end within 15 s", bin)
	}
	return string(out), err
}

// says words what a command that should have given its version did.
func says(command, out string, err error) string {
	if err != nil {
		return fmt.Sprintf("%s says %q: %v", command, strings.TrimSpace(out), err)
	}
	return fmt.Sprintf("%s says %q", command, strings.TrimSpace(out))
}

func firstMatch(re, s string) string { return regexp.MustCompile(re).FindString(s) }

// interpreter returns the Python a script runs on, from its #! line, or
// "" when it is no script.
func interpreter(script string) string {
	b, err := os.ReadFile(script)
	if err != nil || !bytes.HasPrefix(b, []byte("#!")) {
		return ""
	}
	line, _, _ := bytes.Cut(b[2:], []byte("\n"))
	words := strings.Fields(string(line))
	if len(words) == 0 {
		return ""
	}
	if filepath.Base(words[0]) == "env" && len(words) > 1 {
		if p, err := exec.LookPath(words[1]); err == nil {
			return p
		}
		return ""
	}
	return words[0]
}

// modules returns the versions of Flask and Werkzeug the interpreter
// python has, those it has.
func modules(python string) []string {
	out, err := output(python, "-c", `
import importlib.metadata as m
for name in ("Flask", "Werkzeug"):
    try:
        print(name, m.version(name))
    except Exception:
        pass
`)
	if err != nil {
		return nil
	}
	var mods []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" {
			mods = append(mods, l)
		}
	}
	return mods
}

// HasModule reports whether f's interpreter has the Python module name
// ("Flask", "Werkzeug").
func (f *Found) HasModule(name string) bool {
	for _, m := range f.Modules {
		if strings.HasPrefix(m, name+" ") {
			return true
		}
	}
	return false
}
