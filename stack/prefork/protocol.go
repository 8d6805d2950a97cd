package prefork

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// childRole marks a worker process (package child): the lab's binary,
// started again with it, runs as a worker instead of parsing its command
// line. The worker's configuration comes on the control pipe.
const childRole = "prefork-worker"

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

// workerConfig is what the master tells a worker, first thing on its
// control pipe.
type workerConfig struct {
	Layer       string   `json:"layer"`
	App         string   `json:"app"`
	Workers     int      `json:"workers"` // how many workers the master runs: wsgi.multiprocess
	MaxRequests int      `json:"max_requests"`
	Hooks       []string `json:"hooks"`    // the hooks that print
	Trace       bool     `json:"trace"`    // send events
	Threads     int      `json:"threads"`  // requests served at once: 1 for a sync worker
	Protocol    string   `json:"protocol"` // http or uwsgi
	// ForwardedAllowIPs are the addresses whose scheme headers count.
	ForwardedAllowIPs []string `json:"forwarded_allow_ips"`
}

// message encodes c for the control pipe: cmdConfig, the length of the
// JSON in 4 bytes, the JSON.
func (c workerConfig) message() ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("prefork: %w", err)
	}
	msg := binary.BigEndian.AppendUint32([]byte{cmdConfig}, uint32(len(b)))
	return append(msg, b...), nil
}

// maxConfig bounds the configuration a worker accepts.
const maxConfig = 1 << 16

// readConfig reads the configuration a master sends first.
func readConfig(r io.Reader) (workerConfig, error) {
	var c workerConfig
	head := make([]byte, 5)
	if _, err := io.ReadFull(r, head); err != nil {
		return c, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if head[0] != cmdConfig || n > maxConfig {
		return c, fmt.Errorf("prefork: not a worker configuration")
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return c, err
	}
	return c, json.Unmarshal(b, &c)
}

// Frames from a worker to the master start with one of these bytes.
const (
	frameEvent = 'E' // a trace event follows
	frameReady = 'R' // the worker booted and accepts
	frameBeat  = 'B' // the worker is alive and not stuck in a request
	frameFlush = 'F' // an answer to a flush command; its id follows
	frameBye   = 'X' // the worker will exit after the request it serves
)

// The master's commands on the control pipe. cmdConfig comes first, once:
// see workerConfig.message. Every later command is 9 bytes: its byte and
// an argument of 8. cmdFlush's argument is an id; the worker answers with
// a frameFlush of the same id once every event it recorded before is in
// the pipe. The others are what gunicorn's master says with a signal
// (TERM, INT or QUIT, ABRT), said here on the pipe, which exists on every
// system; their argument is 0. A real signal is sent only to kill.
const (
	cmdConfig = 'C'
	cmdFlush  = 'F'
	cmdStop   = 'T' // TERM: stop accepting, finish the request in hand, exit
	cmdQuit   = 'Q' // INT or QUIT: exit at once (worker_int)
	cmdAbort  = 'A' // ABRT, the timeout: exit at once (worker_abort)
)

// command encodes a command for the control pipe.
func command(cmd byte, arg uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{cmd}, arg)
}

// pipeSink sends a worker's frames to the master. Events are kept in a
// buffer and written in one go at the worker's flush points (a tick
// between requests, a wait for more of a request, an app that is slow, a
// flush command, exiting), so many events cost the pipe one write; the
// other frames go out at once. Frames keep their order: a flush answer
// follows every event recorded before it.
type pipeSink struct {
	mu       sync.Mutex
	w        io.Writer // the pipe (openFramePipe)
	buf      []byte    // frames not written yet
	tmp      []byte
	enc      trace.Encoder // every event goes through it, in turn, as the master decodes them
	lastBeat time.Time
}

// maxPending is how many bytes of frames wait before they are written
// anyway.
const maxPending = 64 << 10

// add appends a frame; mu must be held.
func (p *pipeSink) add(kind byte, body []byte) {
	p.tmp = append(append(p.tmp[:0], kind), body...)
	p.buf = trace.AppendFrame(p.buf, p.tmp)
}

// flushLocked writes what waits; mu must be held. A master that is gone
// is noticed on the control pipe, not here.
func (p *pipeSink) flushLocked() {
	if len(p.buf) > 0 {
		p.w.Write(p.buf)
		p.buf = p.buf[:0]
	}
}

// Flush writes the frames that wait.
func (p *pipeSink) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushLocked()
}

// Record keeps an event for the next flush.
func (p *pipeSink) Record(e trace.Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tmp = p.enc.AppendEvent(append(p.tmp[:0], frameEvent), e)
	p.buf = trace.AppendFrame(p.buf, p.tmp)
	if len(p.buf) > maxPending {
		p.flushLocked()
	}
}

// send writes a frame now, after any that wait.
func (p *pipeSink) send(kind byte, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.add(kind, body)
	p.flushLocked()
}

func (p *pipeSink) ready() { p.send(frameReady, nil) }
func (p *pipeSink) bye()   { p.send(frameBye, nil) }
func (p *pipeSink) flushed(id uint64) {
	p.send(frameFlush, binary.BigEndian.AppendUint64(nil, id))
}

// tickGap is the least time between two of a worker's ticks: the master's
// timeout is counted in seconds, and under load a worker need not say it
// is alive, nor send its events, after every request: they go in batches.
// An idle worker ticks when its accept times out; a lesson that needs the
// events at once asks for them (FlushTrace). The gap is short all the
// same, a few dozen requests under load, so that the lab's process takes
// a worker's events in small batches, not in bursts of hundreds of
// requests' events: at 50 ms it spent 2 to 4 µs a request more, most of
// it in the kernel (fullstack -against, issue 18), for a write a worker
// makes 200 times a second at the most.
const tickGap = 5 * time.Millisecond

// tick is the worker's flush point between requests: at most every
// tickGap, it writes the frames that wait, with a heartbeat.
func (p *pipeSink) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.lastBeat) >= tickGap {
		p.lastBeat = now
		p.add(frameBeat, nil)
		p.flushLocked()
	}
}
