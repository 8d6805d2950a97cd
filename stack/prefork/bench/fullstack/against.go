package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// compareBuilds measures the lab's process of this build against that
// of other, another build of this bench, each serving in its -hold mode
// as a child of this one. The two stacks stay up side by side, and wrk
// runs pairs times against each, the side that goes first alternating
// from pair to pair, so that neither the machine's drift nor going first
// favours one. It prints each side's median CPU per request, and the
// median of the pairs' differences with how many pairs went each way: on
// a machine whose speed drifts by a third from one minute to the next, a
// change of a few microseconds a request shows only there.
func compareBuilds(other string, args []string, pairs int) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		fmt.Println("skipped: wrk is not installed (apt-get install wrk)")
		return nil
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	a, err := holdChild(self)
	if err != nil {
		return err
	}
	a.name = "this build"
	defer a.stop()
	b, err := holdChild(other)
	if err != nil {
		return err
	}
	defer b.stop()
	sides := [2]*heldSide{a, b}
	for _, s := range sides { // warm both up: first connections, grown buffers
		if _, err := runWrk([]string{"-t2", "-c50", "-d1s"}, s.addr); err != nil {
			return err
		}
	}
	for i := range pairs {
		for k := range 2 {
			if err := sides[(i+k)%2].run(args); err != nil {
				return err
			}
		}
	}
	fmt.Printf("wrk %s, %d pairs, the side going first alternating\n", strings.Join(args, " "), pairs)
	for _, s := range sides {
		fmt.Printf("%s: lab process %.0f µs a request (user %.0f), median of %d runs\n",
			s.name, median(s.total), median(s.user), len(s.total))
	}
	var diffs, userDiffs []float64
	lower := 0
	for i := range a.total {
		diffs = append(diffs, b.total[i]-a.total[i])
		userDiffs = append(userDiffs, b.user[i]-a.user[i])
		if b.total[i] < a.total[i] {
			lower++
		}
	}
	fmt.Printf("%s minus this build, pair by pair: median %+.1f µs (user %+.1f); %s lower in %d of %d pairs\n",
		b.name, median(diffs), median(userDiffs), b.name, lower, len(diffs))
	return nil
}

// heldSide is a lab stack served by a build of this bench in its -hold
// mode, and the CPU per request its lab process took, run by run.
type heldSide struct {
	name        string // the build's path, or "this build"
	cmd         *exec.Cmd
	cancel      context.CancelFunc // stops cmd (stop)
	addr        string
	total, user []float64 // µs a request
}

// holdChild starts bin -hold, serving the app -app names, and waits for
// it to say where it serves.
func holdChild(bin string) (*heldSide, error) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-hold", "-app", labApp)
	// Stopped, it is interrupted as by Ctrl-C, and killed by its PID
	// should it not stop within ten seconds.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	s := &heldSide{name: bin, cmd: cmd, cancel: cancel}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- addr
			}
		}
		close(ready)
	}()
	select {
	case addr, ok := <-ready:
		if ok {
			s.addr = addr
			return s, nil
		}
	case <-time.After(30 * time.Second):
	}
	s.stop()
	return nil, fmt.Errorf("%s -hold never said it was ready", bin)
}

// run runs wrk once against s and notes its lab process's CPU per
// request meanwhile.
func (s *heldSide) run(args []string) error {
	before := procCPU(s.cmd.Process.Pid)
	res, err := runWrk(args, s.addr)
	used := procCPU(s.cmd.Process.Pid).minus(before)
	if err != nil {
		return err
	}
	if res.requests == 0 {
		return fmt.Errorf("%s answered no request", s.name)
	}
	s.total = append(s.total, microsPerRequest(used.total(), res.requests))
	s.user = append(s.user, microsPerRequest(used.user, res.requests))
	return nil
}

// stop stops the held stack and waits for it; the lab's workers stop
// with it.
func (s *heldSide) stop() {
	s.cancel()
	s.cmd.Wait()
}

// median returns the middle of xs, or the mean of its two middle values.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
