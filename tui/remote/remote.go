// Package remote lets other terminals follow and drive a running
// presentation: the presenter's process listens on a unix socket under
// the user's runtime directory; ngw2f-lab notes follows what it publishes
// (the step shown, its speaker notes, the next step, the clock), and
// ngw2f-lab next and prev send it commands.
//
// The protocol is JSON, one message a line. The server sends a Message
// with State on every change and at once to a new follower; a client
// sends a Message with Command, and gets one back with OK or Error.
package remote

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// SocketName is the socket's file name inside the lab's runtime directory.
const SocketName = "present.sock"

// maxSocketPath is the size of a unix socket's path on macOS (sun_path),
// the smallest of the systems the lab runs on, its closing NUL included.
const maxSocketPath = 104

// SocketPath returns where a presentation listens, the first of these
// whose path fits a socket's (under 104 bytes): in $XDG_RUNTIME_DIR's
// ngw2f-lab directory; in a directory of the user's own under the
// temporary directory; on Unix, in the same under /tmp, as macOS's
// temporary directory (/var/folders/...) can be too long. It creates the
// directory, which only the user may use.
func SocketPath() (string, error) {
	var dirs []string
	if dir := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(dir) {
		dirs = append(dirs, filepath.Join(dir, "ngw2f-lab"))
	}
	dirs = append(dirs, tempDirs()...)
	for _, dir := range dirs {
		p := filepath.Join(dir, SocketName)
		if len(p) >= maxSocketPath {
			continue
		}
		if err := makePrivate(dir); err != nil {
			return "", fmt.Errorf("remote: %w", err)
		}
		return p, nil
	}
	return "", fmt.Errorf("remote: no directory for the presentation's socket has a path under %d bytes (tried %s)", maxSocketPath, strings.Join(dirs, ", "))
}

// State is what a presentation shows now.
type State struct {
	Lesson      int       `json:"lesson"`
	LessonTitle string    `json:"lessonTitle"`
	Talk        string    `json:"talk"`   // the talk's section ("3) HTTP")
	Minute      string    `json:"minute"` // where the section starts in the talk
	Until       string    `json:"until"`  // where the next section starts, if known
	Step        int       `json:"step"`   // 1-based; 0 before the first step
	Steps       int       `json:"steps"`
	StepTitle   string    `json:"stepTitle"`
	Notes       string    `json:"notes"`
	NextTitle   string    `json:"nextTitle"` // the next step, in this lesson or the next
	NextNotes   string    `json:"nextNotes"`
	Started     time.Time `json:"started"` // when the talk started
	Replay      bool      `json:"replay"`  // the step plays its recorded run
	Held        string    `json:"held"`    // where hop-by-hop mode holds a request
	Ended       bool      `json:"ended"`
}

// Message is one line of the protocol.
type Message struct {
	State   *State `json:"state,omitempty"`
	Command string `json:"command,omitempty"` // "next" or "prev"
	OK      bool   `json:"ok,omitempty"`
	Error   string `json:"error,omitempty"`
}

// ErrNoPresentation is returned by Dial and Send when no presentation
// listens.
var ErrNoPresentation = errors.New("no presentation is running (start one with: ngw2f-lab present)")

// Server is the presenter's side.
type Server struct {
	ln       net.Listener
	path     string
	commands chan string

	sendMu sync.Mutex // one write at a time on the followers' connections

	mu        sync.Mutex
	state     State
	followers map[net.Conn]bool
	closed    bool
	wg        sync.WaitGroup
}

// Listen listens at path. A socket left by a presentation that is gone is
// removed; one that still answers is an error.
func Listen(path string) (*Server, error) {
	if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
		c.Close()
		return nil, fmt.Errorf("remote: another presentation is running (it listens on %s)", path)
	}
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("remote: %w", err)
	}
	os.Chmod(path, 0o600)
	s := &Server{ln: ln, path: path, commands: make(chan string, 16), followers: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Path returns the socket's path.
func (s *Server) Path() string { return s.path }

// Commands delivers the commands clients send: "next" and "prev".
func (s *Server) Commands() <-chan string { return s.commands }

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.followers[c] = true
		st := s.state
		s.wg.Add(1)
		s.mu.Unlock()
		s.send(c, Message{State: &st})
		go s.serve(c)
	}
}

// serve reads a client's commands until it goes.
func (s *Server) serve(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.followers, c)
		s.mu.Unlock()
		c.Close()
	}()
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		var m Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil || (m.Command != "next" && m.Command != "prev") {
			s.send(c, Message{Error: "unknown command: want next or prev"})
			continue
		}
		select {
		case s.commands <- m.Command:
			s.send(c, Message{OK: true})
		default:
			s.send(c, Message{Error: "the presentation is busy; try again"})
		}
	}
}

// Publish sends st to every follower, and to those that come later.
func (s *Server) Publish(st State) {
	s.mu.Lock()
	s.state = st
	var fs []net.Conn
	for c := range s.followers {
		fs = append(fs, c)
	}
	s.mu.Unlock()
	for _, c := range fs {
		s.send(c, Message{State: &st})
	}
}

// send writes one message, giving up on a follower that does not read.
func (s *Server) send(c net.Conn, m Message) {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	b, _ := json.Marshal(m)
	c.SetWriteDeadline(time.Now().Add(time.Second))
	c.Write(append(b, '\n'))
}

// Close stops listening, says goodbye to followers and removes the
// socket.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	st := s.state
	st.Ended = true
	var fs []net.Conn
	for c := range s.followers {
		fs = append(fs, c)
	}
	s.mu.Unlock()
	err := s.ln.Close()
	for _, c := range fs {
		s.send(c, Message{State: &st})
		c.Close()
	}
	s.wg.Wait()
	os.Remove(s.path)
	return err
}

// Follow connects to the presentation at path and calls f with every
// state it publishes, until the presentation ends (nil) or the connection
// breaks.
func Follow(path string, done <-chan struct{}, f func(State)) error {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return ErrNoPresentation
	}
	defer c.Close()
	go func() {
		<-done
		c.Close()
	}()
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var m Message
		if json.Unmarshal(sc.Bytes(), &m) != nil || m.State == nil {
			continue
		}
		f(*m.State)
		if m.State.Ended {
			return nil
		}
	}
	select {
	case <-done:
		return nil
	default:
		return fmt.Errorf("remote: the presentation went away")
	}
}

// Send sends one command to the presentation at path.
func Send(path, command string) error {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return ErrNoPresentation
	}
	defer c.Close()
	b, _ := json.Marshal(Message{Command: command})
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("remote: %w", err)
	}
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var m Message
		if json.Unmarshal(sc.Bytes(), &m) != nil || m.State != nil {
			continue // the state a new connection gets first
		}
		if m.Error != "" {
			return fmt.Errorf("remote: %s", m.Error)
		}
		return nil
	}
	return fmt.Errorf("remote: no answer from the presentation")
}
