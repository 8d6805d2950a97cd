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

// Server is the presenter's side. Publish never waits for a follower:
// each has a writer of its own that sends the latest state when it can,
// so that a notes terminal that is suspended or slow never holds up the
// presentation's screen; the states it missed meanwhile are skipped.
type Server struct {
	ln       net.Listener
	path     string
	commands chan string

	mu        sync.Mutex
	state     State
	followers map[net.Conn]*follower
	closed    bool
	wg        sync.WaitGroup
}

// follower is one connection to a follower: wake tells its writer that
// there is a state to send; replies are the answers to its commands.
type follower struct {
	wake    chan struct{}
	replies chan Message
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
	s := &Server{ln: ln, path: path, commands: make(chan string, 16), followers: map[net.Conn]*follower{}}
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
		f := &follower{wake: make(chan struct{}, 1), replies: make(chan Message, 4)}
		f.wake <- struct{}{} // the state as it is, at once
		s.followers[c] = f
		s.wg.Add(2)
		s.mu.Unlock()
		go s.write(c, f)
		go s.serve(c, f)
	}
}

// write sends a follower the latest state each time there is one, and
// the answers to its commands, until the connection goes or the
// presentation has ended: then it closes the connection.
func (s *Server) write(c net.Conn, f *follower) {
	defer s.wg.Done()
	for {
		var m Message
		select {
		case _, ok := <-f.wake:
			if !ok {
				return
			}
			s.mu.Lock()
			st := s.state
			s.mu.Unlock()
			m = Message{State: &st}
		case m = <-f.replies:
		}
		wait := 5 * time.Second
		if m.State != nil && m.State.Ended {
			wait = time.Second // the presenter is quitting
		}
		b, _ := json.Marshal(m)
		c.SetWriteDeadline(time.Now().Add(wait))
		if _, err := c.Write(append(b, '\n')); err != nil || m.State != nil && m.State.Ended {
			c.Close() // a follower that does not read is let go, and every one at the end
			return
		}
	}
}

// serve reads a client's commands until it goes.
func (s *Server) serve(c net.Conn, f *follower) {
	defer s.wg.Done()
	defer s.drop(c)
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		var m Message
		reply := Message{OK: true}
		switch {
		case json.Unmarshal(sc.Bytes(), &m) != nil || (m.Command != "next" && m.Command != "prev"):
			reply = Message{Error: "unknown command: want next or prev"}
		default:
			select {
			case s.commands <- m.Command:
			default:
				reply = Message{Error: "the presentation is busy; try again"}
			}
		}
		select {
		case f.replies <- reply:
		default: // the client does not read its answers: it will not miss them
		}
	}
}

// drop forgets a follower and stops its writer.
func (s *Server) drop(c net.Conn) {
	s.mu.Lock()
	f, ok := s.followers[c]
	delete(s.followers, c)
	s.mu.Unlock()
	if ok {
		close(f.wake)
	}
	c.Close()
}

// Publish makes st the state every follower is sent, now or as soon as it
// reads, and the state those that come later get first. It never waits.
func (s *Server) Publish(st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = st
	for _, f := range s.followers {
		select {
		case f.wake <- struct{}{}:
		default: // a send is due already: it will take this state
		}
	}
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
	s.state.Ended = true
	for _, f := range s.followers {
		select {
		case f.wake <- struct{}{}:
		default:
		}
	}
	s.mu.Unlock()
	err := s.ln.Close()
	s.wg.Wait() // each writer sends the last state and closes its connection
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
