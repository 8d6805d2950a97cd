// Command memory measures the resident memory of the lab's own process
// (`ngw2f-lab up`) in the three cases issue 18 bounds:
//
//	go run ./bench/memory                  # all three
//	go run ./bench/memory -case requests -n 1000000
//	go run ./bench/memory -case download   # one 100 MiB static answer
//	go run ./bench/memory -case idle -idle 5000
//
// requests: `up 6` (proxy -> pre-fork -> framework), wrk -t2 -c20 against
// its front until n requests have been answered; the lab's RSS after each
// wrk run and at the end.
//
// download: `up --config` with the talk's part I configuration serving a
// root that holds a file of -size MiB; the file fetched once, the RSS
// before and after.
//
// idle: the same configuration with worker_connections raised; first
// -idle requests on a few connections, so that the tap's bounded store is
// as full before as after, then -idle keep-alive connections opened by
// this process and held, each having sent one request and read its
// answer; the lab's RSS before them, while they are held, and a while
// after they close.
//
// It builds the lab's binary into a temporary directory (or runs -bin),
// reads RSS with ps, and stops every process it started by its PID. wrk
// is needed for the requests case only.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	var o options
	flag.StringVar(&o.which, "case", "all", "requests, download, idle or all")
	flag.StringVar(&o.bin, "bin", "", "the lab's binary; built from ./cmd/ngw2f-lab when empty")
	flag.IntVar(&o.requests, "n", 1_000_000, "requests for the requests case")
	flag.StringVar(&o.wrkArgs, "wrk-args", "-t2 -c20 -d20s", "wrk's settings for each run of the requests case")
	flag.IntVar(&o.sizeMiB, "size", 100, "the static file's size in MiB for the download case")
	flag.IntVar(&o.idle, "idle", 5000, "idle connections for the idle case")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "memory:", err)
		os.Exit(1)
	}
}

type options struct {
	which, bin, wrkArgs     string
	requests, sizeMiB, idle int
}

func run(o options) error {
	tmp, err := os.MkdirTemp("", "ngw2f-memory-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if o.bin == "" {
		o.bin = filepath.Join(tmp, "ngw2f-lab")
		fmt.Println("building ./cmd/ngw2f-lab")
		build := exec.Command("go", "build", "-o", o.bin, "./cmd/ngw2f-lab")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	cases := map[string]func(options, string) error{"requests": requests, "download": download, "idle": idle}
	order := []string{"requests", "download", "idle"}
	if o.which != "all" {
		if cases[o.which] == nil {
			return fmt.Errorf("no case %q (requests, download, idle, all)", o.which)
		}
		order = []string{o.which}
	}
	for _, name := range order {
		if err := cases[name](o, tmp); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// lab is a running `ngw2f-lab up`.
type lab struct {
	cmd  *exec.Cmd
	addr string
}

// startUp runs the lab's binary with args (an up command), waits for its
// banner and returns the front's address. Its output is read and thrown
// away: printing every journey is part of what up costs.
func startUp(bin string, args ...string) (*lab, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	l := &lab{cmd: cmd}
	br := bufio.NewReader(out)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			l.stop()
			return nil, fmt.Errorf("up exited before its banner: %w", err)
		}
		if _, rest, ok := strings.Cut(line, " in front on "); ok {
			l.addr = strings.TrimSuffix(strings.TrimSpace(rest), ".")
			break
		}
	}
	go io.Copy(io.Discard, br)
	return l, nil
}

// stop interrupts up, as Ctrl-C does, and waits for it; it kills it by its
// PID should it not stop within ten seconds.
func (l *lab) stop() {
	if err := l.cmd.Process.Signal(os.Interrupt); err != nil {
		l.cmd.Process.Kill()
	}
	done := make(chan struct{})
	go func() {
		l.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		l.cmd.Process.Kill()
		<-done
	}
}

// rss is the lab process's resident memory in MB, as ps reports it.
func (l *lab) rss() (float64, error) {
	out, err := exec.Command("ps", "-o", "rss=", "-p", strconv.Itoa(l.cmd.Process.Pid)).Output()
	if err != nil {
		return 0, fmt.Errorf("ps: %w", err)
	}
	kb, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return 0, fmt.Errorf("ps: %q: %w", out, err)
	}
	return float64(kb) / 1024, nil
}

// report prints the lab's RSS after what, and returns it.
func (l *lab) report(what string) float64 {
	mb, err := l.rss()
	if err != nil {
		fmt.Printf("  %-40s %v\n", what, err)
		return 0
	}
	fmt.Printf("  %-40s %6.1f MB\n", what, mb)
	return mb
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// requests sends o.requests requests through up 6 with wrk.
func requests(o options, tmp string) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		fmt.Println("requests: skipped: wrk is not installed")
		return nil
	}
	fmt.Printf("requests: ngw2f-lab up 6 --free-ports, wrk %s until %d requests\n", o.wrkArgs, o.requests)
	l, err := startUp(o.bin, "up", "6", "--free-ports")
	if err != nil {
		return err
	}
	defer l.stop()
	l.report("started")
	done := 0
	for done < o.requests {
		args := append(strings.Fields(o.wrkArgs), "http://"+l.addr+"/")
		out, err := exec.Command("wrk", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("wrk: %w: %s", err, out)
		}
		n, err := wrkRequests(string(out))
		if err != nil {
			return err
		}
		done += n
		l.report(fmt.Sprintf("after %d requests", done))
	}
	time.Sleep(3 * time.Second)
	l.report("3 s later")
	return nil
}

// wrkRequests reads the count of "N requests in" from wrk's output.
func wrkRequests(out string) (int, error) {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[1] == "requests" && f[2] == "in" {
			return strconv.Atoi(f[0])
		}
	}
	return 0, fmt.Errorf("wrk said no request count: %s", out)
}

// prefix writes the talk's part I configuration, with the given port and
// worker_connections, into a prefix directory under tmp and returns the
// configuration's path.
func prefix(tmp string, port, workerConns int) (string, error) {
	dir := filepath.Join(tmp, "prefix")
	conf, err := os.ReadFile("stack/proxy/configs/part-1.conf")
	if err != nil {
		return "", fmt.Errorf("run it from the repository's root: %w", err)
	}
	text := string(conf)
	text = strings.ReplaceAll(text, "worker_connections 1024;", fmt.Sprintf("worker_connections %d;", workerConns))
	text = strings.ReplaceAll(text, "listen 8080 default_server;", fmt.Sprintf("listen 127.0.0.1:%d default_server;", port))
	text = strings.ReplaceAll(text, "listen [::]:8080 default_server ipv6only=on;", "")
	mime, err := os.ReadFile("stack/proxy/configs/conf/mime.types")
	if err != nil {
		return "", err
	}
	for _, d := range []string{"html", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return "", err
		}
	}
	files := map[string]string{"nginx.conf": text, "mime.types": string(mime), "html/index.html": "<h1>hello</h1>\n"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "nginx.conf"), nil
}

// download fetches one big static file through up --config.
func download(o options, tmp string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	conf, err := prefix(tmp, port, 1024)
	if err != nil {
		return err
	}
	big := filepath.Join(filepath.Dir(conf), "html", "big.bin")
	f, err := os.Create(big)
	if err != nil {
		return err
	}
	if err := f.Truncate(int64(o.sizeMiB) << 20); err != nil {
		f.Close()
		return err
	}
	f.Close()
	fmt.Printf("download: ngw2f-lab up --config (part I), one %d MiB static answer\n", o.sizeMiB)
	l, err := startUp(o.bin, "up", "--config", conf)
	if err != nil {
		return err
	}
	defer l.stop()
	l.report("started")
	n, err := fetch(l.addr, "/big.bin")
	if err != nil {
		return err
	}
	if n != int64(o.sizeMiB)<<20 {
		return fmt.Errorf("got %d bytes of body, not %d", n, int64(o.sizeMiB)<<20)
	}
	l.report("after the answer")
	time.Sleep(5 * time.Second)
	l.report("5 s later")
	return nil
}

// fetch sends one HTTP/1.0 GET for path and returns the size of the body.
func fetch(addr, path string) (int64, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n", path)
	br := bufio.NewReaderSize(c, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return 0, fmt.Errorf("reading the answer's head: %w", err)
		}
		if line == "\r\n" {
			break
		}
	}
	return io.Copy(io.Discard, br)
}

// idle holds o.idle keep-alive connections to the proxy.
func idle(o options, tmp string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	conf, err := prefix(tmp, port, o.idle+256)
	if err != nil {
		return err
	}
	fmt.Printf("idle: ngw2f-lab up --config (part I, worker_connections %d), %d idle keep-alive connections\n", o.idle+256, o.idle)
	l, err := startUp(o.bin, "up", "--config", conf)
	if err != nil {
		return err
	}
	defer l.stop()
	// As many requests first, on a few connections, so that the tap's ring
	// and journeys are as full before as after: what is measured is
	// what the connections hold, not the trace's bounded store filling.
	if err := keepAlive(l.addr, o.idle); err != nil {
		return err
	}
	time.Sleep(3 * time.Second)
	before := l.report("before them, after as many requests")
	conns, err := openIdle(l.addr, o.idle)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	if err != nil {
		return err
	}
	l.report("all open, just answered")
	time.Sleep(3 * time.Second)
	held := l.report("held idle 3 s")
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	time.Sleep(2 * time.Second)
	l.report("closed 2 s ago")
	time.Sleep(8 * time.Second)
	after := l.report("closed 10 s ago")
	fmt.Printf("  cost of %d idle connections: %+.1f MB held, %+.1f MB after they closed\n", o.idle, held-before, after-before)
	return nil
}

// keepAlive sends n requests one after another, 500 a connection (nginx
// closes one after keepalive_requests, 1000).
func keepAlive(addr string, n int) error {
	buf := make([]byte, 64<<10)
	for n > 0 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		for i := 0; i < 500 && n > 0; i, n = i+1, n-1 {
			fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
			if err := readAnswer(c, buf); err != nil {
				c.Close()
				return err
			}
		}
		c.Close()
	}
	return nil
}

// openIdle opens n connections to addr, each sending one keep-alive
// request and reading its whole answer, so that each is idle at the proxy
// between requests as a browser's is.
func openIdle(addr string, n int) ([]net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var d net.Dialer
	conns := make([]net.Conn, 0, n)
	buf := make([]byte, 64<<10)
	for len(conns) < n {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return conns, fmt.Errorf("after %d connections: %w", len(conns), err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
		if err := readAnswer(c, buf); err != nil {
			return conns, fmt.Errorf("connection %d: %w", len(conns), err)
		}
	}
	return conns, nil
}

// readAnswer reads one answer whose body has a Content-Length.
func readAnswer(c net.Conn, buf []byte) error {
	got := 0
	for {
		n, err := c.Read(buf[got:])
		got += n
		head, body, ok := strings.Cut(string(buf[:got]), "\r\n\r\n")
		if ok {
			want := -1
			for _, h := range strings.Split(head, "\r\n") {
				if k, v, ok := strings.Cut(h, ":"); ok && strings.EqualFold(k, "Content-Length") {
					want, _ = strconv.Atoi(strings.TrimSpace(v))
				}
			}
			if want < 0 {
				return errors.New("answer without Content-Length")
			}
			if len(body) >= want {
				return nil
			}
		}
		if err != nil {
			return err
		}
	}
}
