package lessons

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
)

//go:embed [0-9][0-9]-*.md
var embedded embed.FS

// All returns the lessons the lab ships, by number, the planned ones too.
func All() ([]*Lesson, error) {
	names, err := fs.Glob(embedded, "*.md")
	if err != nil {
		return nil, fmt.Errorf("lessons: %w", err)
	}
	var all []*Lesson
	for _, name := range names {
		src, err := embedded.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("lessons: %w", err)
		}
		l, err := Parse("lessons/"+name, src)
		if err != nil {
			return nil, err
		}
		all = append(all, l)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Number < all[j].Number })
	return all, nil
}

// ErrUnknown is wrapped by the error Find and Get return for a lesson that
// does not exist.
var ErrUnknown = errors.New("no such lesson")

// Get returns the shipped lesson numbered n.
func Get(n int) (*Lesson, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	for _, l := range all {
		if l.Number == n {
			return l, nil
		}
	}
	return nil, fmt.Errorf("%w: %d; the lessons are %d to %d (see: ngw2f-lab list)",
		ErrUnknown, n, all[0].Number, all[len(all)-1].Number)
}

// Load reads a lesson from a file, so a presenter can write their own.
func Load(path string) (*Lesson, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lessons: %w", err)
	}
	return Parse(path, src)
}

// Find returns the lesson arg names: a shipped lesson's number, or the path
// of a lesson file.
func Find(arg string) (*Lesson, error) {
	if n, err := strconv.Atoi(arg); err == nil {
		return Get(n)
	}
	if _, err := os.Stat(arg); err != nil {
		all, aerr := All()
		if aerr != nil {
			return nil, aerr
		}
		return nil, fmt.Errorf("%w: %q is neither a lesson number (%d to %d) nor a lesson file",
			ErrUnknown, arg, all[0].Number, all[len(all)-1].Number)
	}
	return Load(arg)
}
