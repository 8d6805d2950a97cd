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
// Two labs may run at once on one account (a presenter's screen and their
// notes, or two terminals): each save merges what the file holds with
// what this lab learned, under a lock on progress.json.lock that every
// lab takes to write, so that neither loses the other's steps. Progress
// only grows that way; Reset removes the file, and a lab that still runs
// and knew of older progress writes it back at its next save.
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
	_, known := slices.BinarySearch(s.lessons[id].Solved, challenge)
	s.mu.Unlock()
	if known {
		return nil
	}
	return s.change(func() {
		l := s.lessons[id]
		l.Solved, _ = insertSorted(l.Solved, challenge)
		l.Updated = time.Now().UTC()
		s.lessons[id] = l
	})
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
	if unlock, err := s.lock(); err == nil {
		defer unlock() // no other lab's save in the middle
	}
	if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("progress: %w", err)
	}
	return nil
}

// StepDone records that step (1-based) of the lesson id, which has total
// steps, was run to its end, and saves the file.
func (s *Store) StepDone(id string, step, total int) error {
	return s.change(func() {
		l := s.lessons[id]
		l.Steps, _ = insertSorted(l.Steps, step)
		l.Done = l.Done || len(l.Steps) >= total // the steps another lab ran count too
		l.Updated = time.Now().UTC()
		s.lessons[id] = l
	})
}

// Save merges the progress into what the file holds now, which another
// lab may have written since, and writes the result atomically: to a
// temporary file in the same directory, then renamed over the old one.
// It does so under the lock every lab takes to write the file, and keeps
// the merged progress: what the other lab did shows here too.
func (s *Store) Save() error { return s.change(func() {}) }

// change merges the file's progress into the Store's, applies fn, with
// s.mu held, and saves, all under the lock labs take to write.
func (s *Store) change(fn func()) error {
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	s.mu.Lock()
	for id, l := range s.onDisk() {
		s.lessons[id] = merge(s.lessons[id], l)
	}
	fn()
	b, err := json.MarshalIndent(file{Version: version, Lessons: s.lessons}, "", "  ")
	s.mu.Unlock()
	if err != nil {
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

// lock takes the lock labs hold to write the file, waiting for another
// lab's save to end, and returns what lets it go.
func (s *Store) lock() (unlock func(), err error) {
	f, err := os.OpenFile(s.path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("progress: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("progress: locking %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil
}

// onDisk returns the lessons the file holds now: none when it is missing
// or cannot be parsed, as then it is written anew.
func (s *Store) onDisk() map[string]Lesson {
	var f file
	b, err := os.ReadFile(s.path)
	if err != nil || json.Unmarshal(b, &f) != nil {
		return nil
	}
	return f.Lessons
}

// merge is what two labs know of one lesson: the steps and challenges
// either ran or solved, done if either finished it, the later time.
func merge(a, b Lesson) Lesson {
	for _, step := range b.Steps {
		a.Steps, _ = insertSorted(a.Steps, step)
	}
	for _, c := range b.Solved {
		a.Solved, _ = insertSorted(a.Solved, c)
	}
	a.Done = a.Done || b.Done
	if b.Updated.After(a.Updated) {
		a.Updated = b.Updated
	}
	return a
}
