package runner

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// spreadAtOnce is how many requests a spread action keeps in flight.
const spreadAtOnce = 6

// spread sends a running layer n requests for target, spreadAtOnce at a
// time, and shows which layer behind it served how many: the share each
// server of an upstream got.
func (r *Runner) spread(ctx context.Context, name string, n int, target string) error {
	l, err := r.runningLayer(ctx, "spread", name)
	if err != nil {
		return err
	}
	if err := r.passOver(ctx); err != nil {
		return err
	}
	from := r.printed
	request := "GET " + target + " HTTP/1.0\r\n\r\n"
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed int
	)
	queue := make(chan struct{}, n)
	for range n {
		queue <- struct{}{}
	}
	close(queue)
	for range min(spreadAtOnce, n) {
		wg.Go(func() {
			for range queue {
				if !timeRequest(ctx, l.Addr().String(), request) {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := r.flushLayers(ctx); err != nil {
		return err
	}
	r.pump()
	served := map[string]int{}
	for _, other := range r.stack.Layers() {
		if other.Name() != name {
			served[other.Name()] = 0 // every running layer is listed, those that served none too
		}
	}
	for _, j := range r.asm.Journeys() {
		if j.ID <= from {
			continue
		}
		if layers := j.Layers(); len(layers) > 2 && layers[1] == name {
			served[layers[2]]++
		}
	}
	r.passOver(ctx)
	r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("sent %s %d requests for %s, %d at a time; %d answered 200",
		name, n, target, min(spreadAtOnce, n), n-failed)})
	r.out(Output{Kind: OutInfo, Text: "served by: " + shares(served, n)})
	return nil
}

// shares lists how many requests each layer served, by name.
func shares(served map[string]int, n int) string {
	names := make([]string, 0, len(served))
	for name := range served {
		names = append(names, name)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s %d (%d%%)", name, served[name], served[name]*100/n)
	}
	if len(parts) == 0 {
		return "no layer behind it"
	}
	return strings.Join(parts, ", ")
}
