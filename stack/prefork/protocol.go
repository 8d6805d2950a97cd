package prefork

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// envWorker marks a worker process: the lab's binary, started again with
// this variable set, runs as a worker instead of parsing its command
// line. Its value is the worker's configuration as JSON. The suffix makes
// it unlikely to be set by anything else.
const envWorker = "NGW2F_PREFORK_WORKER_5RK2Q"

// The file descriptors a worker inherits, after stdin, stdout, stderr.
const (
	fdListener = 3 // the listening socket, shared by every worker
	fdEvents   = 4 // write end of the pipe to the master: frames
	fdControl  = 5 // read end of the pipe from the master: commands, and EOF when it dies
)

// Exit codes of a worker, as gunicorn's.
const (
	exitOK        = 0
	exitAbort     = 1 // SIGABRT: the master timed the worker out
	exitBootError = 3 // gunicorn's WORKER_BOOT_ERROR
	exitAppError  = 4 // gunicorn's APP_LOAD_ERROR
	exitOrphan    = 5 // the master went away
)

// workerConfig is what the master tells a worker through envWorker.
type workerConfig struct {
	Layer       string        `json:"layer"`
	App         string        `json:"app"`
	Age         int           `json:"age"`     // 1 for the first worker, counting up
	Workers     int           `json:"workers"` // how many workers the master runs: wsgi.multiprocess
	Timeout     time.Duration `json:"timeout"`
	MaxRequests int           `json:"max_requests"`
	Hooks       []string      `json:"hooks"` // the hooks that print
	Trace       bool          `json:"trace"` // send events
}

func (c workerConfig) env() (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("prefork: %w", err)
	}
	return envWorker + "=" + string(b), nil
}

// Frames from a worker to the master start with one of these bytes.
const (
	frameEvent = 'E' // a trace event follows
	frameReady = 'R' // the worker booted and accepts
	frameBeat  = 'B' // the worker is alive and not stuck in a request
	frameFlush = 'F' // an answer to a flush command; its id follows
	frameBye   = 'X' // the worker will exit after the request it serves
)

// cmdFlush is the one command the master sends: it is followed by an id
// of 8 bytes, and the worker answers with a frameFlush of the same id
// once every event it recorded before is in the pipe.
const cmdFlush = 'F'

// pipeSink sends a worker's frames to the master. Frames are written whole
// and in order under a mutex, and synchronously: a tapped write is in the
// pipe before its bytes are on the socket, so once a peer has seen the
// bytes, a flush finds the event already sent.
type pipeSink struct {
	mu  sync.Mutex
	f   *os.File
	buf []byte
	tmp []byte
}

func (p *pipeSink) frame(kind byte, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tmp = append(append(p.tmp[:0], kind), body...)
	p.buf = trace.AppendFrame(p.buf[:0], p.tmp)
	p.f.Write(p.buf) // a master that is gone is noticed on the control pipe
}

// Record sends an event.
func (p *pipeSink) Record(e trace.Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	p.mu.Lock()
	p.tmp = trace.AppendEvent(append(p.tmp[:0], frameEvent), e)
	p.buf = trace.AppendFrame(p.buf[:0], p.tmp)
	p.f.Write(p.buf)
	p.mu.Unlock()
}

func (p *pipeSink) ready() { p.frame(frameReady, nil) }
func (p *pipeSink) beat()  { p.frame(frameBeat, nil) }
func (p *pipeSink) bye()   { p.frame(frameBye, nil) }
func (p *pipeSink) flushed(id uint64) {
	p.frame(frameFlush, binary.BigEndian.AppendUint64(nil, id))
}

func flushCommand(id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{cmdFlush}, id)
}
