// Package conf reads nginx configuration files: blocks, directives, ";",
// "#" comments, quoted strings with nginx's escapes, and include. It knows
// the syntax only; what a directive means, and where it may appear, is
// the caller's, given as a table of Specs to Check.
//
// Every error is worded as nginx words it, followed by " in FILE:LINE":
// `unknown directive "foo" in /etc/nginx/nginx.conf:3`.
package conf

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
)

// Directive is one directive of a configuration: its name, its arguments,
// and, for a block directive, the directives inside the block.
type Directive struct {
	Name string
	Args []string
	// Block holds a block directive's directives; it is non-nil, if empty,
	// for every block directive ("events {}"), and nil for a simple one.
	Block []*Directive
	File  string // the file it was read from
	Line  int    // the line its ";" or "{" is on, as nginx reports it
}

// IsBlock reports whether d is a block directive.
func (d *Directive) IsBlock() bool { return d.Block != nil }

// Errorf returns an error about d, worded as nginx words it: the message
// followed by " in FILE:LINE".
func (d *Directive) Errorf(format string, args ...any) error {
	return errorAt(d.File, d.Line, format, args...)
}

// Error is a problem in a configuration file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s in %s:%d", e.Msg, e.File, e.Line) }

func errorAt(file string, line int, format string, args ...any) error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Files is where a configuration's files come from. The zero value reads
// the operating system's files.
type Files struct {
	// FS, when not nil, holds the files instead, with paths relative to
	// its root.
	FS fs.FS
}

func (f Files) read(name string) ([]byte, error) {
	if f.FS != nil {
		return fs.ReadFile(f.FS, name)
	}
	return os.ReadFile(name)
}

func (f Files) glob(pattern string) ([]string, error) {
	if f.FS != nil {
		return fs.Glob(f.FS, pattern)
	}
	return filepath.Glob(pattern)
}

// resolve returns where an include path leads from dir: an FS's names are
// slash-separated whatever the system, the system's own files are not
// (on Windows, backslashes and a drive letter).
func (f Files) resolve(dir, name string) string {
	if f.FS != nil {
		if path.IsAbs(name) {
			return name
		}
		return path.Join(dir, name)
	}
	if filepath.IsAbs(name) || strings.HasPrefix(name, "/") { // from / is absolute to nginx for Windows too
		return name
	}
	return filepath.Join(dir, name)
}

// dir returns the directory of the file name.
func (f Files) dir(name string) string {
	if f.FS != nil {
		return path.Dir(name)
	}
	return filepath.Dir(name)
}

// maxIncludeDepth bounds include files that include each other.
const maxIncludeDepth = 16

// ParseFile reads the configuration in the file name and every file it
// includes. A relative include path is taken from name's directory, as
// nginx takes it from its configuration prefix.
func ParseFile(files Files, name string) ([]*Directive, error) {
	src, err := files.read(name)
	if err != nil {
		return nil, fmt.Errorf(`open() "%s" failed (%s)`, name, errno.Text(err))
	}
	return Parse(files, name, src)
}

// Parse reads the configuration src, named name in errors. It includes
// files relative to name's directory.
func Parse(files Files, name string, src []byte) ([]*Directive, error) {
	p := &parser{files: files, dir: files.dir(name)}
	return p.parseFile(name, src, 0)
}

type parser struct {
	files Files
	dir   string // where relative include paths start
}

// parseFile parses one file at the top level of its context.
func (p *parser) parseFile(name string, src []byte, depth int) ([]*Directive, error) {
	return p.parseBlock(newLexer(name, src), false, depth)
}

// parseBlock parses directives up to the end of a block (inBlock) or of
// the file.
func (p *parser) parseBlock(l *lexer, inBlock bool, depth int) ([]*Directive, error) {
	dirs := []*Directive{}
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		switch t.end {
		case endFile:
			if inBlock {
				return nil, l.errorf(`unexpected end of file, expecting "}"`)
			}
			return dirs, nil
		case endBlockDone:
			if !inBlock {
				return nil, l.errorf(`unexpected "}"`)
			}
			return dirs, nil
		}
		d := &Directive{Name: t.words[0], Args: t.words[1:], File: l.file, Line: t.line}
		if t.end == endBlockStart {
			if d.Block, err = p.parseBlock(l, true, depth); err != nil {
				return nil, err
			}
		}
		if d.Name == "include" && !d.IsBlock() && len(d.Args) == 1 {
			inc, err := p.include(d, depth)
			if err != nil {
				return nil, err
			}
			dirs = append(dirs, inc...)
			continue
		}
		dirs = append(dirs, d)
	}
}

// include reads the files an include directive names, in the context it
// appears in.
func (p *parser) include(d *Directive, depth int) ([]*Directive, error) {
	if depth >= maxIncludeDepth {
		return nil, d.Errorf("include nesting deeper than %d files", maxIncludeDepth)
	}
	pattern := p.files.resolve(p.dir, d.Args[0])
	names := []string{pattern}
	if strings.ContainsAny(pattern, "*?[") {
		var err error
		if names, err = p.files.glob(pattern); err != nil {
			return nil, d.Errorf(`glob() "%s" failed (%v)`, pattern, err)
		}
	}
	var out []*Directive
	for _, name := range names {
		src, err := p.files.read(name)
		if err != nil {
			return nil, d.Errorf(`open() "%s" failed (%s)`, name, errno.Text(err))
		}
		dirs, err := p.parseFile(name, src, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, dirs...)
	}
	return out, nil
}
