// Package progress remembers, between runs of the lab, how far a learner
// got in each lesson: the steps they ran, whether they finished it, and
// the challenges they solved.
//
// Progress lives in one JSON file, $XDG_STATE_HOME/ngw2f-lab/progress.json,
// or, when XDG_STATE_HOME is unset, ngw2f-lab/progress.json in the
// system's place for it (see DefaultPath).
// It is written atomically, through a temporary file renamed over the old
// one, so a crash never leaves half a file. A file that cannot be read or
// parsed is never fatal: Open sets it aside (renamed with a .corrupt
// suffix), says so, and starts afresh.
//
// Readers ignore fields they do not know, so an older lab reads a newer
// file.
package progress

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"
)

// FileName is the name of the progress file inside the state directory.
const FileName = "progress.json"

// Lesson is the progress of one lesson.
type Lesson struct {
	// Steps are the 1-based numbers of the steps run to their end, sorted.
	Steps []int `json:"steps,omitempty"`
	// Done says every step of the lesson was run.
	Done bool `json:"done,omitempty"`
	// Solved are the IDs of the lesson's challenges solved, sorted.
	Solved []string `json:"solved,omitempty"`
	// Updated is when the learner last ran a step of it.
	Updated time.Time `json:"updated"`
}

// file is the progress file's shape; Version lets later versions of the
// lab read older files.
type file struct {
	Version int               `json:"version"`
	Lessons map[string]Lesson `json:"lessons"`
}

const version = 1

// Store is the progress of every lesson, backed by a file. It is safe for
// concurrent use. The zero Store is not usable: use Open.
type Store struct {
	path string

	saveMu sync.Mutex // one Save at a time: the last to write has the latest state

	mu      sync.Mutex
	lessons map[string]Lesson
}

// DefaultPath returns where the lab keeps progress: under XDG_STATE_HOME
// when it is set, on every system; else in the system's usual place for
// a program's own data: ~/.local/state on Linux (and other Unix systems),
// ~/Library/Application Support on macOS, %LocalAppData% on Windows.
func DefaultPath() (string, error) {
	return defaultPath(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

// defaultPath is DefaultPath on the system goos, with the environment
// that getenv reads and the home directory that home returns.
func defaultPath(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	dir := getenv("XDG_STATE_HOME")
	switch {
	case filepath.IsAbs(dir):
	case goos == "windows":
		dir = getenv("LocalAppData")
		if dir == "" {
			return "", errors.New("progress: no state directory: %LocalAppData% is not set")
		}
	default:
		h, err := home()
		if err != nil {
			return "", fmt.Errorf("progress: no state directory: %w", err)
		}
		dir = filepath.Join(h, ".local", "state")
		if goos == "darwin" {
			dir = filepath.Join(h, "Library", "Application Support")
		}
	}
	return filepath.Join(dir, "ngw2f-lab", FileName), nil
}

// Open reads the progress file at path. A missing file is an empty
// progress. A file that cannot be read or parsed is renamed to
// path+".corrupt" and the Store starts empty; warning then says what
// happened, for the learner to see. Open always returns a usable Store.
func Open(path string) (s *Store, warning error) {
	s = &Store{path: path, lessons: map[string]Lesson{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err == nil {
		var f file
		if err = json.Unmarshal(b, &f); err == nil {
			if f.Lessons != nil {
				s.lessons = f.Lessons
			}
			return s, nil
		}
	}
	return s, s.setAside(err)
}

// setAside moves an unusable progress file out of the way.
func (s *Store) setAside(cause error) error {
	aside := s.path + ".corrupt"
	if err := os.Rename(s.path, aside); err != nil {
		return fmt.Errorf("progress: cannot read %s (%v), and cannot move it aside: %w; progress will not be saved until it is removed",
			s.path, cause, err)
	}
	return fmt.Errorf("progress: %s could not be read (%v); it was moved to %s and progress starts afresh", s.path, cause, aside)
}

// Path returns the file the Store reads and writes.
func (s *Store) Path() string { return s.path }

// Get returns the progress of the lesson with the given ID ("01-http").
func (s *Store) Get(id string) Lesson {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lessons[id]
	l.Steps = append([]int(nil), l.Steps...)
	l.Solved = append([]string(nil), l.Solved...)
	return l
}

// Solved records that the challenge of lesson id was solved, and saves
// the file. A challenge solved before is not saved again.
func (s *Store) Solved(id, challenge string) error {
	s.mu.Lock()
	l := s.lessons[id]
	var added bool
	if l.Solved, added = insertSorted(l.Solved, challenge); !added {
		s.mu.Unlock()
		return nil
	}
	l.Updated = time.Now().UTC()
	s.lessons[id] = l
	s.mu.Unlock()
	return s.Save()
}

// insertSorted inserts v into the sorted slice s unless it is there, and
// reports whether it was added.
func insertSorted[T cmp.Ordered](s []T, v T) ([]T, bool) {
	i, found := slices.BinarySearch(s, v)
	if found {
		return s, false
	}
	return slices.Insert(s, i, v), true
}

// Reset forgets all progress and removes the file. A file that is not
// there is no error.
func (s *Store) Reset() error {
	s.mu.Lock()
	s.lessons = map[string]Lesson{}
	s.mu.Unlock()
	if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("progress: %w", err)
	}
	return nil
}

// StepDone records that step (1-based) of the lesson id, which has total
// steps, was run to its end, and saves the file.
func (s *Store) StepDone(id string, step, total int) error {
	s.mu.Lock()
	l := s.lessons[id]
	l.Steps, _ = insertSorted(l.Steps, step)
	l.Done = l.Done || len(l.Steps) >= total
	l.Updated = time.Now().UTC()
	s.lessons[id] = l
	s.mu.Unlock()
	return s.Save()
}

// Save writes the progress file atomically: to a temporary file in the
// same directory, then renamed over the old one. Saves are taken one at a
// time, so that two at once cannot leave the older state in the file.
func (s *Store) Save() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	b, err := json.MarshalIndent(file{Version: version, Lessons: s.lessons}, "", "  ")
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".progress-*.json")
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("progress: writing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("progress: %w", err)
	}
	return nil
}
