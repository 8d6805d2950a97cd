package prefork

import (
	"bytes"
	"context"
	"github.com/ngw2f/ngw2f-lab/stack/gateway"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/prefork/bench/loopback"
	"github.com/ngw2f/ngw2f-lab/stack/proctest"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// benchProcs runs workers from the binary named by NGW2F_LAB_BINARY (the
// lab's own, as go build ./cmd/ngw2f-lab makes it) when set, else from
// this test binary.
func benchProcs() Procs {
	if bin := os.Getenv("NGW2F_LAB_BINARY"); bin != "" {
		return Procs{Executable: func() (string, error) { return bin, nil }}
	}
	return Procs{}
}

// BenchmarkRespawn measures how long the master takes from a worker's
// kill -9 to a replacement that has answered a request. Each kill comes
// a moment after the last replacement, as kills do, so the master's
// spare process has had time to start.
func BenchmarkRespawn(b *testing.B) {
	s := New(stack.Config{}, Options{Workers: 1, Procs: benchProcs()})
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		time.Sleep(200 * time.Millisecond)
		start := time.Now()
		if _, err := s.KillWorker(ctx); err != nil {
			b.Fatal(err)
		}
		if err := s.FlushTrace(ctx); err != nil {
			b.Fatal(err)
		}
		if got := exchange(b, s.Addr(), "GET / HTTP/1.0\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.0 200") {
			b.Fatalf("answer %q", got)
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/respawn")
}

// BenchmarkJourney measures one request's journey, client -> pre-fork
// -> app and back, with tracing on, against the loopback floor: the same
// request and answer over one fresh TCP connection to a goroutine that
// answers at once. It reports p50 and p99 of each.
func BenchmarkJourney(b *testing.B) {
	const req = "GET / HTTP/1.0\r\n\r\n"
	b.Run("floor", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go loopback.Serve(ln, []byte(helloAnswer))
		latencies(b, func() { exchange(b, ln.Addr(), req) })
	})
	b.Run("prefork", func(b *testing.B) {
		addr := startHello(b, trace.NewRecorder(0, 0))
		latencies(b, func() { exchange(b, addr, req) })
	})
	b.Run("prefork-untraced", func(b *testing.B) {
		addr := startHello(b, nil)
		latencies(b, func() { exchange(b, addr, req) })
	})
}

// helloAnswer is what the workers answer the talk's request, byte for
// byte but the date.
const helloAnswer = "HTTP/1.0 200 OK\r\nServer: " + ServerHeader + "\r\nDate: Mon, 23 Nov 2026 10:22:27 GMT\r\n" +
	"Connection: close\r\nContent-type: text/plain\r\nContent-Length: 30\r\n\r\nHello, World! (from Gunicorn)\n"

// startHello starts a pre-fork server with 2 workers, recording into rec
// (tracing off when nil).
func startHello(b *testing.B, rec *trace.Recorder) net.Addr {
	b.Helper()
	cfg := stack.Config{}
	if rec != nil {
		cfg.Trace = rec
	}
	s := New(cfg, Options{Workers: 2, Hooks: []string{}, Procs: benchProcs()})
	if err := s.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s.Addr()
}

// latencies runs f b.N times and reports the median and the 99th
// percentile.
func latencies(b *testing.B, f func()) {
	samples := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := range samples {
		start := time.Now()
		f()
		samples[i] = time.Since(start)
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(samples[len(samples)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkExecToServing measures what starting a worker costs, from the
// binaries the lab starts workers from: "child", the lean child executable
// (proctest.ChildBinary), which the lab uses when it lies beside it, and
// "lab", the lab's own binary (proctest.LabBinary), its fallback, which
// links everything the lab does and so pays its package init. "cold" is a
// process from its exec to the master reading that it accepts: what a
// worker costs when there is no spare, and what the spare itself takes
// from its exec to serving, but for its wait for a configuration. "spare"
// is a spare that has had time to initialise, from its configuration to
// accepting: what a respawn costs. Each reports the median in
// milliseconds and the CPU time the process used in its whole life, start
// to exit.
func BenchmarkExecToServing(b *testing.B) {
	for _, bin := range []struct {
		name string
		path func(testing.TB) string
	}{{"child", proctest.ChildBinary}, {"lab", proctest.LabBinary}} {
		b.Run(bin.name, func(b *testing.B) {
			path := bin.path(b)
			s := New(stack.Config{}, Options{Workers: 1, Procs: Procs{Executable: func() (string, error) { return path, nil }}})
			if err := s.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			b.Run("cold", func(b *testing.B) { startWorkers(b, s, false) })
			b.Run("spare", func(b *testing.B) { startWorkers(b, s, true) })
		})
	}
}

// startWorkers starts b.N workers from s's binary, beside s's own, one at
// a time, and stops each once it accepts. With spare, each process has a
// moment to initialise before the clock starts at its configuration.
func startWorkers(b *testing.B, s *Server, spare bool) {
	ctx := context.Background()
	samples := make([]time.Duration, 0, b.N)
	var cpu time.Duration
	for range b.N {
		var w *workerProc
		start := time.Now()
		err := s.call(ctx, func() (err error) { w, err = s.exec(); return err })
		if err != nil {
			b.Fatal(err)
		}
		if spare {
			b.StopTimer()
			time.Sleep(200 * time.Millisecond)
			b.StartTimer()
			start = time.Now()
		}
		if err := s.call(ctx, func() error { return s.boot(w) }); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
		b.StopTimer()
		w.send(cmdQuit)
		<-w.exited
		b.StartTimer()
		cpu += w.cmd.ProcessState.UserTime() + w.cmd.ProcessState.SystemTime()
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/proc")
}

// BenchmarkFrames measures the master's side of a worker's events: it
// reads the frames of a worker's request to the hello app, each a real
// event, and records them, as watch does with what a worker writes to
// its pipe. An op is one request's frames.
func BenchmarkFrames(b *testing.B) {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	s := New(stack.Config{Trace: rec}, Options{App: "hello:application", Workers: 1, Procs: benchProcs()})
	if err := s.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	exchange(b, s.Addr(), "GET / HTTP/1.0\r\n\r\n")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err := s.FlushTrace(ctx)
	cancel()
	worker := s.PIDs()[1]
	s.Close()
	if err != nil {
		b.Fatal(err)
	}
	// The request's events, encoded as the worker's pipe carries them,
	// come again and again. The first time, their strings go into the
	// table of the worker's Encoder and the master's Decoder; after
	// that, they go as their numbers there, as most of a worker's do.
	var events []trace.Event
	for _, e := range sub.TryNext(0) {
		if e.PID == worker && e.Conn.PID == worker {
			events = append(events, e)
		}
	}
	n := len(events)
	if n == 0 {
		b.Fatal("the worker recorded no event of the request")
	}
	var one pipeSink
	encode := func() []byte {
		one.buf = one.buf[:0]
		for _, e := range events {
			one.Record(e)
		}
		return one.buf
	}
	w := &workerProc{}
	frames := func(fr *trace.FrameReader) {
		for range n {
			p, err := fr.Next()
			if err == nil {
				err = s.frame(w, p)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	frames(trace.NewFrameReader(bytes.NewReader(encode())))
	fr := trace.NewFrameReader(&replay{b: encode()})
	b.ReportAllocs()
	for b.Loop() {
		frames(fr)
	}
}

// replay reads b again and again, without end.
type replay struct {
	b   []byte
	off int
}

func (r *replay) Read(p []byte) (int, error) {
	n := copy(p, r.b[r.off:])
	r.off = (r.off + n) % len(r.b)
	return n, nil
}

// BenchmarkWorkerHandle measures a sync worker's work on one request,
// tracing on, from the accepted connection to its close: what the
// worker's process spends a request but for the accept and its waits.
// The client's side, a fresh loopback connection, is timed along with it.
func BenchmarkWorkerHandle(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	app, err := gateway.Lookup("hello:application")
	if err != nil {
		b.Fatal(err)
	}
	w := newWorker(workerConfig{Layer: "gunicorn", App: "hello:application", Workers: 2, Trace: true, Threads: 1}, io.Discard)
	w.app = app
	w.acc = &acceptor{addr: ln.Addr().(*net.TCPAddr)}
	const req = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"
	done := make(chan error, 1)
	n := b.N
	go func() {
		for range n {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				done <- err
				return
			}
			c.Write([]byte(req))
			_, err = io.Copy(io.Discard, c)
			c.Close()
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	b.ReportAllocs()
	s := w.newSession()
	for range b.N {
		c, err := ln.Accept()
		if err != nil {
			b.Fatal(err)
		}
		w.handle(w.tap.Conn(c, trace.Server), s)
		w.out.Flush()
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
