package runner

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// measurement is what one measure action found.
type measurement struct {
	layer, target string
	n, failed     int
	slow          int // slow clients running meanwhile (trickle)
	median, p90   time.Duration
}

// measure sends a running layer n requests for target, one after another
// (GET, HTTP/1.0, each on a connection of its own), and shows the time
// each took with every measurement of the lesson so far, side by side.
func (r *Runner) measure(ctx context.Context, name string, n int, target string) error {
	l, err := r.runningLayer(ctx, "measure", name)
	if err != nil {
		return err
	}
	asked := n
	if max := r.opts.MeasureAtMost; max > 0 && n > max {
		n = max
	}
	m := measurement{layer: name, target: target, n: n}
	waiting := -1
	if r.trickling != nil {
		m.slow = r.trickling.n
		waiting = int(r.trickling.unanswered.Load())
	}
	times := make([]time.Duration, 0, n)
	request := "GET " + target + " HTTP/1.0\r\n\r\n"
	for range n {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		if !timeRequest(ctx, l.Addr().String(), request) {
			m.failed++
		}
		times = append(times, time.Since(start))
	}
	if err := r.passOver(ctx); err != nil {
		return err
	}
	slices.Sort(times)
	m.median, m.p90 = times[len(times)/2], times[len(times)*9/10]
	r.measured = append(r.measured, m)
	what := fmt.Sprintf("%d requests for %s, one after another", n, target)
	if n == 1 {
		what = "1 request for " + target
	}
	if n < asked {
		what += fmt.Sprintf(" (of the lesson's %d: the runner caps a measurement at %d)", asked, n)
	}
	r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("sent %s %s, each on a new connection", name, what)})
	if waiting >= 0 {
		r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("when it was sent, %d of the %d slow clients were still waiting for their answer", waiting, m.slow)})
	}
	for _, line := range measuredTable(r.measured) {
		r.out(Output{Kind: OutInfo, Text: line})
	}
	return nil
}

// timeRequest sends one request and reads the answer to its end; it
// reports whether the answer was a 200.
func timeRequest(ctx context.Context, addr, request string) bool {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write([]byte(request)); err != nil {
		return false
	}
	br := bufio.NewReader(c)
	status, err := br.ReadString('\n')
	if err != nil {
		return false
	}
	for err == nil {
		_, err = br.Discard(4096)
	}
	return strings.HasPrefix(status, "HTTP/1.0 200 ") || strings.HasPrefix(status, "HTTP/1.1 200 ")
}

// measuredTable lays the measurements out side by side.
func measuredTable(ms []measurement) []string {
	out := []string{"time per request, connect to close, measured:"}
	for _, m := range ms {
		line := fmt.Sprintf("  %-8s %-16s median %s, 90%% within %s", m.layer, m.target, round(m.median), round(m.p90))
		if m.slow > 0 {
			line += fmt.Sprintf(", with %d slow clients", m.slow)
		}
		if m.failed > 0 {
			line += fmt.Sprintf(", %d of %d failed", m.failed, m.n)
		}
		out = append(out, line)
	}
	if len(ms) == 2 {
		slow, fast := ms[0], ms[1]
		if slow.median < fast.median {
			slow, fast = fast, slow
		}
		if fast.median > 0 {
			out = append(out, fmt.Sprintf("  %s takes %.0f times as long as %s, by the medians",
				slow.label(), float64(slow.median)/float64(fast.median), fast.label()))
		}
	}
	return out
}

// label names the layer measured, and its slow clients when it had any,
// so that two measurements of one layer read apart.
func (m measurement) label() string {
	if m.slow > 0 {
		return fmt.Sprintf("%s with %d slow clients", m.layer, m.slow)
	}
	return m.layer
}

// round keeps three significant digits of d, enough to compare.
func round(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// passOver lets the tap catch up with traffic the lab made itself (the
// requests of measure, the slow clients of trickle) and marks its
// journeys as shown: the next exchange shows its own journeys, not
// hundreds of the lab's.
func (r *Runner) passOver(ctx context.Context) error {
	if err := r.flushLayers(ctx); err != nil {
		return err
	}
	r.pump()
	for _, j := range r.asm.Journeys() {
		r.printed = max(r.printed, j.ID)
	}
	return nil
}
