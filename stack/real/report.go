package real

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"sync"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// ReportEnv names the socket the Python side reports to, in the
// environment of the programs the lab starts.
const ReportEnv = "NGW2F_LAB_REPORT"

// report is one thing the Python side of the lab (lab_report.py, in the
// real server's processes) tells it: a server hook firing, a line the
// server logs, or a hand-off between the server and the app.
type report struct {
	// Kind is "hook", "log", "environ", "start_response", "chunk" or
	// "close".
	Kind string `json:"kind"`
	PID  int    `json:"pid"`
	// Peer is the address of the client of the request it is about, as
	// the server sees it (the relay's dialed end); empty for none.
	Peer string `json:"peer"`
	// Name is a hook's name; Role says whether a master or a worker ran
	// it; Extra is what follows its name ("None -> 2").
	Name  string `json:"name"`
	Role  string `json:"role"`
	Extra string `json:"extra"`
	// Worker is, for child_exit, the PID of the worker that exited;
	// Workers, for nworkers_changed, how many the master now wants.
	Worker  int `json:"worker"`
	Workers int `json:"workers"`
	// Text is a log line.
	Text string `json:"text"`
	// Fields are the environ's keys and values, or start_response's
	// status and headers, in order.
	Fields [][2]string `json:"fields"`
	// Data is a chunk's bytes.
	Data []byte `json:"data"`
}

// fields returns r.Fields as the trace's fields, each value as the bytes
// it stands for.
func (r *report) fields() []trace.Field {
	out := make([]trace.Field, len(r.Fields))
	for i, f := range r.Fields {
		out[i] = trace.Field{Key: f[0], Value: nativeBytes(f[1])}
	}
	return out
}

// nativeBytes returns the bytes a WSGI native string stands for. PEP 3333
// has the environ's strings, and start_response's, hold bytes as
// ISO-8859-1 characters, one character a byte: the request's raw
// "/J\xc3\xbc" is the two characters "Ã¼" in Python, which JSON carries
// here as their UTF-8. The lab's own layers keep the bytes, so they are
// what is compared and shown. A string with a character past U+00FF is
// none of WSGI's and is kept as it came.
func nativeBytes(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			return s
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// reportServer takes the reports of a real server's processes on a Unix
// socket. Each report is one JSON line, acknowledged with one byte once
// handled: the process waits for it, so that what it reports is recorded
// before it goes on (before the bytes of an answer it is about to write
// reach the lab's relay).
type reportServer struct {
	ln     net.Listener
	handle func(*report)
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]bool
}

// listenReports listens in dir and hands each report to handle, one at a
// time.
func listenReports(dir string, handle func(*report)) (*reportServer, error) {
	ln, err := net.Listen("unix", filepath.Join(dir, "lab.sock"))
	if err != nil {
		return nil, fmt.Errorf("the lab's report socket: %w", err)
	}
	s := &reportServer{ln: ln, conns: map[net.Conn]bool{}}
	var one sync.Mutex
	s.handle = func(r *report) { one.Lock(); defer one.Unlock(); handle(r) }
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Path is the socket's path, for ReportEnv.
func (s *reportServer) Path() string { return s.ln.Addr().String() }

func (s *reportServer) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go s.read(c)
	}
}

func (s *reportServer) read(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	in := bufio.NewScanner(c)
	in.Buffer(make([]byte, 64<<10), 16<<20)
	for in.Scan() {
		var r report
		if json.Unmarshal(in.Bytes(), &r) == nil {
			s.handle(&r)
		}
		if _, err := c.Write([]byte{'\n'}); err != nil {
			return
		}
	}
}

// Close stops taking reports and waits for the readers to end.
func (s *reportServer) Close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
