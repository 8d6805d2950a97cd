package prefork

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
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
