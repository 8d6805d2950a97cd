// Command fullstack measures the lab's whole front of the stack, the proxy
// with the talk's part II configuration in front of the pre-fork server
// (2 workers) serving the talk's hello app, tracing on:
//
//	go run ./stack/prefork/bench/fullstack -latency   # a journey's p50/p99 vs the loopback floor
//	go run ./stack/prefork/bench/fullstack -wrk       # wrk vs Debian's nginx -> gunicorn
//	go run ./stack/prefork/bench/fullstack -wrk -rounds 4 -wrk-args "-t2 -c50 -d5s"
//
// -app, -real-dir and -real-app serve another app on both sides, such as
// the talk's Flask app (stack/framework/bench/compare.sh):
//
//	-app app:application -real-dir stack/framework/testdata/flask -real-app apps:application -target 2.5
//
// -ceiling adds a third side to -wrk: nginx, with the same part II
// configuration, in front of nginx as the app server (2 workers, each
// answering with return 200). It is the most a stack of two layers as
// lean as nginx reaches on this machine, and the bench prints its
// requests/s over nginx -> gunicorn beside the lab's: a throughput
// target above it asks the lab's stack, tracing on, to outrun nginx
// itself.
//
//	go run ./stack/prefork/bench/fullstack -wrk -ceiling -rounds 3 -wrk-args "-t2 -c50 -d4s"
//
// -against compares the lab's process of this build with that of another
// build of this bench, both held up side by side (-hold), by wrk runs
// alternated between them: the way to tell a change of a few
// microseconds a request from the machine's drift.
//
//	go build -o /tmp/fullstack-before ./stack/prefork/bench/fullstack   # before the change
//	go run ./stack/prefork/bench/fullstack -against /tmp/fullstack-before -pairs 30 -wrk-args "-t2 -c50 -d2s"
//
// The layers are made by their kinds, as a lesson makes them; a build
// without the proxy says so and stops.
//
// The latency run sends the talk's request n times through the lab's
// stack and, in the same run, measures the floor: two fresh loopback TCP
// connections one after another (client to proxy, proxy to app), each
// answered at once by a goroutine. The wrk run starts, one after another,
// the lab's proxy -> pre-fork and nginx (its part II configuration) ->
// gunicorn with 2 sync workers and apps.py's hello, and runs wrk with the
// same settings against each; real programs are stopped by their PIDs.
// With -rounds N both stacks stay up and wrk runs N times on each, one
// side after the other, and the figures are summed: on a machine whose
// speed drifts from one minute to the next (a shared virtual machine),
// the drift then weighs on both sides alike. It prints the lab process's
// CPU per request over nginx's beside the ratio of requests per second,
// and with several rounds each round's CPU ratio and their median, whose
// spread says how much the machine drifted meanwhile.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/prefork/bench/loopback"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

func main() {
	if prefork.IsWorker() {
		os.Exit(prefork.RunWorker())
	}
	// The lab's process as the lab runs it (package stack, OneProcessor).
	stack.OneProcessor()
	latency := flag.Bool("latency", false, "measure a journey's latency against the loopback floor")
	wrk := flag.Bool("wrk", false, "run wrk against the lab's stack and nginx -> gunicorn")
	n := flag.Int("n", 3000, "requests for -latency")
	wrkArgs := flag.String("wrk-args", "-t2 -c50 -d10s", "wrk's settings")
	cpuprofile := flag.String("cpuprofile", "", "write the lab process's CPU profile here")
	memprofile := flag.String("memprofile", "", "write the lab process's allocation profile here at the end")
	hold := flag.Bool("hold", false, "start the lab's stack, print its address and keep it up until interrupted (to profile it from outside)")
	flag.StringVar(&labApp, "app", labApp, "the app the lab's pre-fork server serves, module:callable")
	flag.StringVar(&realDir, "real-dir", realDir, "the folder of the Python app gunicorn serves")
	flag.StringVar(&realApp, "real-app", realApp, "the Python app gunicorn serves, module:callable")
	target := flag.Float64("target", 1.5, "the ratio of requests/s to reach, lab over real")
	against := flag.String("against", "", "another build of this bench: compare the CPU per request of its lab process with this build's, by wrk runs alternated between the two")
	pairs := flag.Int("pairs", 20, "for -against, how many runs on each side")
	ceiling := flag.Bool("ceiling", false, "for -wrk, also run wrk against nginx in front of nginx as the app server (return 200), the most two layers as lean as nginx reach here, to read the throughput target against")
	rounds := flag.Int("rounds", 1, "for -wrk, how many times to run wrk on each side, one side after the other, so that a machine whose speed drifts weighs on both alike")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	var err error
	switch {
	case *latency:
		err = measureLatency(*n)
	case *wrk:
		err = compareWrk(strings.Fields(*wrkArgs), max(*rounds, 1), *target, *ceiling)
	case *against != "":
		err = compareBuilds(*against, strings.Fields(*wrkArgs), *pairs)
	case *hold:
		err = holdStack()
	default:
		flag.Usage()
		os.Exit(2)
	}
	if *memprofile != "" {
		if f, err := os.Create(*memprofile); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fullstack:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

const talkRequest = "GET / HTTP/1.0\r\n\r\n"

// The app on each side: the talk's hello app unless the flags say other.
var (
	labApp  = "hello:application"
	realDir = filepath.Join("stack", "prefork", "testdata", "gunicorn")
	realApp = "apps:hello"
)

// labStack starts the pre-fork server and the proxy in front of it, both
// recording into one recorder that a subscriber assembles into journeys,
// as the lab does. It makes them as a lesson does, by their kinds, so it
// says so when this build has no proxy yet. It returns the proxy's
// address and a stop function.
func labStack(ctx context.Context) (string, func(), error) {
	pk, _ := kinds.Lookup("prefork")
	xk, ok := kinds.Lookup("proxy")
	if !ok {
		return "", nil, errors.New("this build of the lab has no proxy layer (stack/proxy) to put in front")
	}
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	ctx, cancel := context.WithCancel(ctx)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		asm := trace.NewAssembler(0)
		asm.Reuse = true // as the lab's views have it
		asm.Follow(ctx, sub)
	}()
	var layers stack.Stack
	stop := func() {
		layers.StopAll(context.Background())
		cancel()
		<-drained
		sub.Close()
	}
	pf, err := pk.New(stack.Config{Name: "prefork", Trace: rec}, map[string]string{"workers": "2", "hooks": "none", "app": labApp})
	if err == nil {
		err = layers.Start(ctx, pf)
	}
	if err != nil {
		stop()
		return "", nil, err
	}
	peers := map[string]string{"127.0.0.1:8000": pf.Addr().String()}
	px, err := xk.New(stack.Config{Name: "proxy", Trace: rec, Peers: peers}, map[string]string{"config": "part-2"})
	if err == nil {
		err = layers.Start(ctx, px)
	}
	if err != nil {
		stop()
		return "", nil, err
	}
	return px.Addr().String(), stop, nil
}

func measureLatency(n int) error {
	addr, stop, err := labStack(context.Background())
	if err != nil {
		return err
	}
	defer stop()
	answer, err := exchange(addr, talkRequest)
	if err != nil {
		return err
	}
	floorAddr, closeFloor, err := floorServer([]byte(answer))
	if err != nil {
		return err
	}
	defer closeFloor()
	floor := sample(n, func() error {
		for range 2 { // client -> proxy, proxy -> app: two fresh connections
			if _, err := exchange(floorAddr, talkRequest); err != nil {
				return err
			}
		}
		return nil
	})
	journey := sample(n, func() error { _, err := exchange(addr, talkRequest); return err })
	fmt.Printf("floor, two fresh loopback connections: p50 %v  p99 %v\n", floor[len(floor)/2], floor[len(floor)*99/100])
	fmt.Printf("client -> proxy -> prefork -> app:     p50 %v  p99 %v\n", journey[len(journey)/2], journey[len(journey)*99/100])
	fmt.Printf("p50 ratio %.2f (target <= 2)\n", float64(journey[len(journey)/2])/float64(floor[len(floor)/2]))
	return nil
}

// sample runs f n times, after a warm-up, and returns the durations
// sorted.
func sample(n int, f func() error) []time.Duration {
	for range 200 {
		f()
	}
	out := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if f() == nil {
			out = append(out, time.Since(start))
		}
	}
	slices.Sort(out)
	return out
}

func exchange(addr, req string) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := io.WriteString(c, req); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}

// floorServer answers each connection at once with answer, from a
// goroutine of this process.
func floorServer(answer []byte) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go loopback.Serve(ln, answer)
	return ln.Addr().String(), func() { ln.Close() }, nil
}

var (
	reqPerSec = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	requests  = regexp.MustCompile(`(\d+) requests in`)
)

// wrkResult is what one wrk run measured.
type wrkResult struct {
	summary  string        // wrk's lines on latency, requests/s and errors
	rps      float64       // requests/s
	requests int           // requests answered
	cpu      time.Duration // wrk's own CPU time
}

func runWrk(args []string, addr string) (wrkResult, error) {
	cmd := exec.Command("wrk", append(args, "http://"+addr+"/")...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v: %s", err, out)
	}
	var res wrkResult
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "Requests/sec") || strings.Contains(l, "Latency") || strings.Contains(l, "Non-2xx") || strings.Contains(l, "errors") {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	res.summary = strings.Join(keep, "; ")
	if m := reqPerSec.FindStringSubmatch(string(out)); m != nil {
		res.rps, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := requests.FindStringSubmatch(string(out)); m != nil {
		res.requests, _ = strconv.Atoi(m[1])
	}
	res.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return res, nil
}

func compareWrk(args []string, rounds int, target float64, ceiling bool) error {
	for _, tool := range []string{"wrk", "nginx", "gunicorn"} {
		if _, err := exec.LookPath(tool); err != nil {
			fmt.Printf("skipped: %s is not installed (apt-get install %s)\n", tool, tool)
			return nil
		}
	}
	addr, stop, err := labStack(context.Background())
	if err != nil {
		return err
	}
	defer stop()
	stacks := []appServer{gunicorn}
	if ceiling {
		stacks = append(stacks, nginxApp)
	}
	var reals []realPeers
	for _, app := range stacks {
		peers, stopReal, err := realStack(app)
		if err != nil {
			return err
		}
		defer stopReal()
		reals = append(reals, peers)
	}
	// The lab's workers are this process's children other than the
	// real stacks', which idle while the lab's side runs.
	self := os.Getpid()
	labSide := func() (front cpuTime, back time.Duration) {
		front = procCPU(self)
		back = treeCPU(self).total() - front.total()
		for _, p := range reals {
			back -= treeCPU(p.front).total() + treeCPU(p.back).total()
		}
		return front, back
	}
	tallies := make([]tally, 1+len(reals)) // the lab's, then each real stack's
	var roundRatios []float64              // the lab process's CPU per request over nginx's, round by round
	for range rounds {
		before := slices.Clone(tallies)
		if err := tallies[0].run(args, addr, labSide); err != nil {
			return err
		}
		for i, p := range reals {
			if err := tallies[1+i].run(args, p.addr, p.cpu); err != nil {
				return err
			}
		}
		if r, ok := frontRatio(tallies[0].minus(before[0]), tallies[1].minus(before[1])); ok {
			roundRatios = append(roundRatios, r)
		}
	}
	lab, ref := tallies[0], tallies[1]
	fmt.Printf("wrk %s, %d round(s) each, one side after the other\n", strings.Join(args, " "), rounds)
	fmt.Printf("lab proxy -> prefork (2 workers, tracing on) -> %s: %s\n", labApp, lab.summary())
	fmt.Printf("nginx 1.22 -> gunicorn 20.1.0 (2 sync) -> %s: %s\n", realApp, ref.summary())
	fmt.Printf("CPU per request: lab process %s + workers %s (wrk %s); nginx %s + gunicorn %s (wrk %s)\n",
		perRequestSplit(lab.front, lab.requests), perRequest(lab.back, lab.requests), perRequest(lab.wrk, lab.requests),
		perRequestSplit(ref.front, ref.requests), perRequest(ref.back, ref.requests), perRequest(ref.wrk, ref.requests))
	if r, ok := frontRatio(lab, ref); ok {
		fmt.Printf("lab process over nginx, CPU per request: %.2f (target <= 1.2)%s\n", r, spread(roundRatios))
		fmt.Printf("ratio %.2f (target >= %g)\n", lab.rps()/ref.rps(), target)
	}
	if ceiling {
		printCeiling(lab, ref, tallies[2])
	}
	return nil
}

// printCeiling says what nginx in front of nginx as the app server
// reached beside the lab's stack and the real one: a throughput target
// above its ratio asks of the lab's stack more than two layers as lean
// as nginx do on this machine.
func printCeiling(lab, ref, ceil tally) {
	fmt.Printf("nginx 1.22 -> nginx 1.22 (2 workers, return 200): %s\n", ceil.summary())
	fmt.Printf("CPU per request: nginx %s + nginx as the app server %s (wrk %s)\n",
		perRequestSplit(ceil.front, ceil.requests), perRequest(ceil.back, ceil.requests), perRequest(ceil.wrk, ceil.requests))
	if ref.rps() > 0 && ceil.rps() > 0 {
		fmt.Printf("ceiling: nginx -> nginx over nginx -> gunicorn %.2f; the lab's stack over nginx -> nginx %.2f\n",
			ceil.rps()/ref.rps(), lab.rps()/ceil.rps())
	}
}

// frontRatio is the lab process's CPU per request over nginx's, from
// what the two sides measured; ok is false when a side answered nothing.
func frontRatio(lab, ref tally) (r float64, ok bool) {
	if lab.requests == 0 || ref.requests == 0 || ref.front.total() == 0 {
		return 0, false
	}
	return float64(lab.front.total()) / float64(lab.requests) / (float64(ref.front.total()) / float64(ref.requests)), true
}

// spread lists the rounds' ratios and their median, with more than one
// round: on a machine whose speed drifts, their spread says how far the
// summed figure can be trusted.
func spread(ratios []float64) string {
	if len(ratios) < 2 {
		return ""
	}
	words := make([]string, len(ratios))
	for i, r := range ratios {
		words[i] = strconv.FormatFloat(r, 'f', 2, 64)
	}
	return fmt.Sprintf("; round by round %s, median %.2f", strings.Join(words, " "), median(ratios))
}

// tally sums one side's wrk runs: the requests answered, their time,
// and the CPU time of the side's front process (the proxy), its back
// (the app server and its workers) and wrk.
type tally struct {
	requests  int
	elapsed   time.Duration
	front     cpuTime
	back, wrk time.Duration
	last      string // wrk's summary of the last run
}

// run runs wrk once against addr and adds what it measured, with the CPU
// cpu reports the side's processes used meanwhile.
func (t *tally) run(args []string, addr string, cpu func() (front cpuTime, back time.Duration)) error {
	front0, back0 := cpu()
	start := time.Now()
	res, err := runWrk(args, addr)
	t.elapsed += time.Since(start)
	front1, back1 := cpu()
	if err != nil {
		return err
	}
	t.requests += res.requests
	t.front = t.front.plus(front1.minus(front0))
	t.back += back1 - back0
	t.wrk += res.cpu
	t.last = res.summary
	return nil
}

// minus returns what t measured since it was before.
func (t tally) minus(before tally) tally {
	return tally{requests: t.requests - before.requests, elapsed: t.elapsed - before.elapsed,
		front: t.front.minus(before.front), back: t.back - before.back, wrk: t.wrk - before.wrk}
}

// rps is the requests answered per second over every run.
func (t *tally) rps() float64 {
	if t.elapsed <= 0 {
		return 0
	}
	return float64(t.requests) / t.elapsed.Seconds()
}

func (t *tally) summary() string {
	return fmt.Sprintf("%s; over every run %.0f requests/s", t.last, t.rps())
}

func waitFor(addr string) error {
	for range 200 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on %s", addr)
}

// holdStack starts the lab's stack and keeps it up until SIGINT or
// SIGTERM, for wrk, perf or pprof from another terminal.
func holdStack() error {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	addr, stop, err := labStack(ctx)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Println("ready", addr)
	<-ctx.Done()
	return nil
}
