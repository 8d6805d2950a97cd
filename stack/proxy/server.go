package proxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Kind is the layer's name when its Config gives none.
const Kind = "proxy"

// Server is the proxy: it serves a configuration's servers on one
// listener, with a goroutine per connection.
type Server struct {
	cfg     stack.Config
	conf    *Config
	name    string
	tap     *trace.Tap
	pid     int
	dates   dates
	connSeq atomic.Uint64
	readers sync.Pool       // *readerPair, for client connections
	upIO    sync.Pool       // *upstreamIO, for upstream connections
	tidy    *tidier         // hands back the memory of connections gone
	ctx     context.Context // ends when the server closes: dials stop
	cancel  context.CancelFunc

	mu       sync.Mutex
	ln       net.Listener
	rt       *runtime
	conns    map[*conn]struct{}
	closed   bool
	shutting atomic.Bool
	done     chan struct{} // closed when the accept loop returns
	wg       sync.WaitGroup
	dir      string // the embedded configuration's files, removed at the end
}

// runtime is a configuration made ready to serve.
type runtime struct {
	servers       []*rtServer
	def           *rtServer
	limits        http1.Limits
	headerTimeout time.Duration
	mergeSlashes  bool
	errorLog      *errorLog
	logs          *logFiles
	balancers     map[*upstreamConf]*balancer
	roots         *roots
	files         *fileCache
	boundary      atomic.Uint64
	temp          tempFiles
	conns         *connTable
	dialer        dialer // what the upstream dials share
}

// New returns a proxy that will serve conf on cfg.Addr once started.
func New(cfg stack.Config, conf *Config) *Server {
	name := cfg.NameOr(Kind)
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		cfg: cfg, conf: conf, name: name, tap: trace.NewTap(cfg.Trace, name),
		pid: os.Getpid(), conns: map[*conn]struct{}{}, tidy: newTidier(),
		ctx: ctx, cancel: cancel,
	}
}

// ServerToken is the Server header's value and the error pages'
// signature: nginx's own, with the lab's name after it, as every layer of
// the lab names the program it mirrors and then itself.
const ServerToken = "nginx/" + nginxVersion + " (ngw2f-lab)"

// nginxVersion is the version of nginx the proxy answers as: the Server
// header's, and $nginx_version.
const nginxVersion = "1.22.1"

// token is ServerToken, or without nginx's version where server_tokens is
// off, as nginx then says "nginx".
func (s *Server) token(lc *locConf) string {
	if lc != nil && lc.serverTokens == "off" {
		return "nginx (ngw2f-lab)"
	}
	return ServerToken
}

// Name returns the layer's name.
func (s *Server) Name() string { return s.name }

// PIDs returns the lab's own process: the proxy runs as goroutines in it.
func (s *Server) PIDs() []int { return []int{s.pid} }

// Addr returns the address the proxy listens on, or nil before Start.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Start sweeps what proxies of labs that are gone left in the temporary
// directory (sweepStale), writes out an embedded configuration's files,
// opens the logs, listens and serves in the background. It returns once
// the proxy accepts connections; on an error nothing is left behind.
func (s *Server) Start(ctx context.Context) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return stack.ErrServerClosed
	}
	if s.ln != nil {
		return fmt.Errorf("%s: already started", s.name)
	}
	sweepStale()
	c := *s.conf
	if c.embedded != "" {
		if s.dir, err = os.MkdirTemp("", tempPattern("")); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if err := WriteEmbedded(c.embedded, s.dir); err != nil {
			s.cleanup(nil)
			return fmt.Errorf("%s: writing out its files: %w", s.name, err)
		}
		c.prefix = s.dir
	}
	rt, err := newRuntime(&c, s.cfg.Peer)
	if err == nil {
		rt.dialer, err = newDialer()
	}
	if err != nil {
		s.cleanup(rt)
		return fmt.Errorf("%s: %w", s.name, err)
	}
	ln, err := stack.Listen(ctx, s.name, s.cfg.Addr)
	if err != nil {
		s.cleanup(rt)
		return err
	}
	total, reserved := slotsOf(&c)
	rt.conns = newConnTable(total, reserved, func(level logLevel, msg string) { s.logError(rt, level, msg) })
	s.rt = rt
	s.readers.New = func() any {
		br := bufio.NewReaderSize(nil, 4096)
		rd := http1.NewReader(br, rt.limits)
		rd.Reuse = true // a connection's request is done with before its next
		return &readerPair{br: br, rd: rd}
	}
	s.ln = s.tap.Listen(ln)
	s.done = make(chan struct{})
	go s.serve()
	return nil
}

// newRuntime makes a configuration ready: its servers and locations, its
// log files, its upstreams, whose servers really listen where where says
// their configured addresses are.
func newRuntime(c *Config, where func(addr string) string) (*runtime, error) {
	rt := &runtime{
		logs:      &logFiles{files: map[string]*logFile{}},
		balancers: map[*upstreamConf]*balancer{},
		roots:     &roots{m: map[string]*os.Root{}},
		files:     &fileCache{m: map[string]*cached{}},
	}
	cp := &compiler{c: c, logs: rt.logs}
	var err error
	if rt.servers, err = cp.servers(); err != nil {
		return rt, err
	}
	rt.def = rt.servers[0]
	defBlock := c.servers[0].block
	for i, s := range rt.servers {
		if s.defaultServer {
			rt.def, defBlock = s, c.servers[i].block
			break
		}
	}
	rt.limits = readLimits(defBlock)
	rt.headerTimeout = setting(defBlock, "client_header_timeout", 60*time.Second)
	rt.mergeSlashes = setting(defBlock, "merge_slashes", true)
	rt.errorLog = rt.def.base.errorLog
	for _, u := range c.upstreams {
		rt.balancers[u] = newBalancer(u, where)
	}
	for _, s := range c.servers {
		for _, blk := range passBlocks(s) {
			if p := blk.vals["pass"].(*proxyPass); rt.balancers[p.upstream] == nil {
				rt.balancers[p.upstream] = newBalancer(p.upstream, where)
			}
		}
	}
	return rt, nil
}

// passBlocks returns the blocks of a server that proxy_pass or uwsgi_pass.
func passBlocks(s *serverConf) []*block {
	var out []*block
	var walk func([]*location)
	walk = func(locs []*location) {
		for _, l := range locs {
			if _, ok := l.block.vals["pass"]; ok {
				out = append(out, l.block)
			}
			walk(l.children)
		}
	}
	walk(s.locations)
	for _, l := range s.named {
		walk([]*location{l})
	}
	return out
}

// serve is the accept loop.
func (s *Server) serve() {
	defer close(s.done)
	backoff := 5 * time.Millisecond
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors, most likely: nginx logs it and
			// accepts again a little later.
			s.logError(s.rt, levelAlert, fmt.Sprintf("accept4() failed (%s)", errno.Text(err)))
			time.Sleep(backoff)
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		if !s.rt.conns.get() {
			s.logError(s.rt, levelAlert, s.rt.conns.notEnough())
			nc.Close()
			continue
		}
		c := newConn(s, s.rt, nc)
		if !s.track(c) {
			s.rt.conns.put()
			nc.Close()
			return
		}
		go c.serve()
	}
}

func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) forget(c *conn) {
	c.rt.conns.release(c)
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.wg.Done()
	s.tidy.letGo()
}

func (s *Server) shuttingDown() bool { return s.shutting.Load() }

func (s *Server) getReader(src io.Reader) *readerPair {
	rp := s.readers.Get().(*readerPair)
	rp.rd.Reset(src)
	return rp
}

func (s *Server) putReader(rp *readerPair) {
	rp.rd.Reset(nil)
	s.readers.Put(rp)
}

// upstreamIO is what one request's trip upstream needs, pooled: the
// buffer its request head is built in, the reader of the answer with the
// buffer under it, and the buffer the body is read into.
type upstreamIO struct {
	head []byte
	rd   *http1.Reader
	body []byte
}

// getUpstreamIO returns buffers for a trip upstream. Its reader makes
// each answer in the memory of the last (http1.Reader.Reuse).
func (s *Server) getUpstreamIO() *upstreamIO {
	u, _ := s.upIO.Get().(*upstreamIO)
	if u == nil {
		u = &upstreamIO{rd: http1.NewReader(nil, http1.Limits{})}
		u.rd.Reuse = true
	}
	return u
}

// fit makes u's body buffer at least size bytes long, and its reader
// take a head of at most size bytes.
func (u *upstreamIO) fit(size int) {
	if len(u.body) < size {
		u.body = make([]byte, size)
	}
	u.rd.SetLimits(http1.Limits{MaxResponseHead: size})
}

func (s *Server) putUpstreamIO(u *upstreamIO) {
	u.rd.Reset(nil)
	s.upIO.Put(u)
}

// Shutdown stops accepting, closes the connections waiting for a request,
// and waits for the requests in flight to be answered, or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutting.Store(true)
	if !s.stopAccepting() {
		s.cancel()
		return nil
	}
	finished := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(finished)
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.closeIdle()
		select {
		case <-finished:
			s.cleanup(s.rt)
			return nil
		case <-ctx.Done():
			return fmt.Errorf("%s: still answering %d connection(s): %w", s.name, s.connCount(), ctx.Err())
		case <-tick.C:
		}
	}
}

// Close stops the proxy at once: every connection is closed, upstream
// ones too, and the files it wrote out are removed.
func (s *Server) Close() error {
	s.shutting.Store(true)
	s.cancel()
	if !s.stopAccepting() {
		return nil
	}
	s.mu.Lock()
	for c := range s.conns {
		c.abort()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.cleanup(s.rt)
	return nil
}

// stopAccepting closes the listener and waits for the accept loop; it
// reports false when the proxy never started.
func (s *Server) stopAccepting() bool {
	s.mu.Lock()
	s.closed = true
	ln, done := s.ln, s.done
	s.mu.Unlock()
	if ln == nil {
		return false
	}
	ln.Close()
	<-done
	return true
}

func (s *Server) closeIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.idle.Load() {
			c.nc.Close()
		}
	}
}

func (s *Server) connCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// cleanup closes the log files and roots and removes the written-out
// files, once.
func (s *Server) cleanup(rt *runtime) {
	s.cancel()
	if rt != nil {
		rt.logs.close()
		rt.roots.close()
		rt.dialer.close()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
		s.dir = ""
	}
}
