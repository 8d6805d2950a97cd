package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/procstat"
	"github.com/ngw2f/ngw2f-lab/stack/proxy"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// idleRun starts the proxy (tracing on, as in the lab), has a child
// process open n idle connections to it, and reports the proxy's
// process: its memory, goroutines and threads, and how fast it still
// answers. The child is this program again, stopped by its PID.
func idleRun(ctx context.Context, n int) error {
	conf, err := proxy.LoadEmbedded("part-1")
	if err != nil {
		return err
	}
	rec := trace.NewRecorder(0, 0)
	s := proxy.New(stack.Config{Trace: rec}, conf)
	if err := s.Start(ctx); err != nil {
		return err
	}
	defer s.Close()
	addr := s.Addr().String()
	before := sample()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	child := exec.Command(self, "-idle", strconv.Itoa(n), "-idle-client", addr)
	out, err := child.StdoutPipe()
	if err != nil {
		return err
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		return err
	}
	defer func() {
		child.Process.Kill()
		child.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "open") {
		return fmt.Errorf("the client process did not open its connections: %q %v", line, err)
	}
	time.Sleep(2 * time.Second) // past the proxy's buffer hold time
	runtime.GC()
	debug.FreeOSMemory()
	after := sample()
	start := time.Now()
	answer, err := get(addr)
	took := time.Since(start)
	if err != nil {
		return err
	}
	fmt.Printf("%d idle connections to the proxy (tracing on), held by another process\n", n)
	fmt.Printf("  resident memory: %s (%s before them)\n", megabytes(after.rss), megabytes(before.rss))
	fmt.Printf("  goroutines:      %d (%d before)\n", after.goroutines, before.goroutines)
	fmt.Printf("  OS threads:      %d (%d before)\n", after.threads, before.threads)
	fmt.Printf("  open files:      %s (%s before)\n", count(after.fds), count(before.fds))
	fmt.Printf("  a request among them: %q in %v\n", strings.SplitN(answer, "\r\n", 2)[0], took.Round(time.Microsecond))
	return nil
}

// holdIdle opens n connections to addr, says so, and holds them until
// killed.
func holdIdle(addr string, n int) error {
	conns := make([]net.Conn, 0, n)
	for len(conns) < n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return fmt.Errorf("after %d connections: %w", len(conns), err)
		}
		conns = append(conns, c)
	}
	fmt.Println("open", len(conns))
	select {}
}

// usage is what the proxy's process holds at a moment; -1 where this
// system cannot tell.
type usage struct {
	rss                      float64
	goroutines, threads, fds int
}

func sample() usage {
	u := usage{rss: -1, goroutines: runtime.NumGoroutine(), threads: procstat.Threads(), fds: -1}
	if mb, err := procstat.ResidentMB(); err == nil {
		u.rss = mb
	}
	if n, err := procstat.OpenFiles(); err == nil {
		u.fds = n
	}
	return u
}

func megabytes(mb float64) string {
	if mb < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MB", mb)
}

func count(n int) string {
	if n < 0 {
		return "unknown"
	}
	return strconv.Itoa(n)
}

func get(addr string) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.0\r\n\r\n"); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}
