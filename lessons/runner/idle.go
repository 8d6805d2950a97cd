package runner

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/procstat"
)

// openIdle opens n connections to a running layer that send nothing, and
// shows what they cost the lab's process, where the layer runs: the
// goroutines, open files and threads gained. They stay open until the
// step ends, so that the steps' requests go through while they are held.
func (r *Runner) openIdle(ctx context.Context, name string, n int) error {
	l, err := r.runningLayer(ctx, "idle", name)
	if err != nil {
		return err
	}
	before := sampleProcess()
	var d net.Dialer
	for len(r.idle) < n {
		c, err := d.DialContext(ctx, "tcp", l.Addr().String())
		if err != nil {
			return fmt.Errorf("idle %s: after %d connections: %w", name, len(r.idle), err)
		}
		r.idle = append(r.idle, c)
	}
	// The layer accepts them in its own time: wait until it holds them.
	after := sampleProcess()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); after = sampleProcess() {
		if after.goroutines-before.goroutines >= n && (after.files < 0 || after.files-before.files >= 2*n) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("opened %d connections to %s that send nothing; they stay open until this step ends", n, name)})
	r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("the lab's process, where %s runs, gained %s goroutines, %s open files and %s OS threads",
		name, delta(after.goroutines-before.goroutines), files(before, after), delta(after.threads-before.threads))})
	return nil
}

// closeIdle closes the connections an idle action holds.
func (r *Runner) closeIdle() {
	r.stopTrickle()
	if len(r.idle) == 0 {
		return
	}
	for _, c := range r.idle {
		c.Close()
	}
	r.out(Output{Kind: OutInfo, Text: fmt.Sprintf("closed the %d idle connections", len(r.idle))})
	r.idle = nil
}

// process is what the lab's process holds at a moment.
type process struct {
	goroutines, files, threads int // files is -1 where it cannot be counted
}

func sampleProcess() process {
	p := process{goroutines: runtime.NumGoroutine(), files: -1, threads: procstat.Threads()}
	if n, err := procstat.OpenFiles(); err == nil {
		p.files = n
	}
	return p
}

// delta words a change to the nearest ten, so that what other goroutines
// and threads of the process do meanwhile does not show.
func delta(d int) string {
	if d < 0 {
		d = 0
	}
	return strconv.Itoa((d + 5) / 10 * 10)
}

func files(before, after process) string {
	if before.files < 0 {
		return "uncounted"
	}
	return delta(after.files-before.files) + " (both ends of each connection: the lab holds the clients' ends too)"
}
