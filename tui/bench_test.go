package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/creack/pty"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/stack/procstat"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// BenchmarkExecToFirstFrame measures the time from exec of the built
// binary (ngw2f-lab lesson 1, on a 100x30 pseudo-terminal) to its first
// full frame: the footer, the frame's last line, written. It reports the
// median and the slowest of its runs (-benchtime 20x for twenty).
func BenchmarkExecToFirstFrame(b *testing.B) {
	bin := buildLab(b)
	env := append(os.Environ(), "TERM=xterm-256color", "XDG_STATE_HOME="+b.TempDir())
	var samples []time.Duration
	for b.Loop() {
		cmd := exec.Command(bin, "lesson", "1", "--free-ports")
		cmd.Env = env
		start := time.Now() // opening the pty takes microseconds of it
		master, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
		if errors.Is(err, pty.ErrUnsupported) {
			b.Skipf("no pseudo-terminal here: %v", err)
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := readUntil(master, "? keys", 10*time.Second); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
		master.Write([]byte("q"))
		go io.Copy(io.Discard, master)
		cmd.Wait()
		master.Close()
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds())/1000, "ms-p50/first-frame")
	b.ReportMetric(float64(samples[len(samples)-1].Microseconds())/1000, "ms-max/first-frame")
}

// readUntil reads r until want has been seen.
func readUntil(r io.Reader, want string, limit time.Duration) error {
	found := make(chan error, 1)
	go func() {
		var seen bytes.Buffer
		buf := make([]byte, 64<<10)
		for {
			n, err := r.Read(buf)
			seen.Write(buf[:n])
			if strings.Contains(stripANSI(seen.String()), want) {
				found <- nil
				return
			}
			if err != nil {
				found <- fmt.Errorf("read %d bytes without %q: %v", seen.Len(), want, err)
				return
			}
		}
	}()
	select {
	case err := <-found:
		return err
	case <-time.After(limit):
		return fmt.Errorf("no %q after %v", want, limit)
	}
}

// bigJourney is a journey of 6 hops through a proxy, an app server and a
// gateway, whose request and response bodies are 4 KiB each.
func bigJourney() []trace.Event {
	evs := journeyEvents()
	body := bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz0123456789 HTTP bodies are long\r\n"), 4096/59+1)[:4096]
	for i := range evs {
		if evs[i].Kind == trace.KindBytes {
			evs[i].Data = append(append([]byte(nil), evs[i].Data...), body...)
		}
	}
	return evs
}

// BenchmarkJourneyView measures drawing the journey panel of a 6-hop
// journey with 4 KiB bodies at 120x40: "cached" is a frame where nothing
// changed, "new-hop" a frame whose selected hop's content must be drawn
// again, and "screen" the whole lesson screen around it.
func BenchmarkJourneyView(b *testing.B) {
	tr := newTraffic()
	tr.add(bigJourney())
	com := common.New(testStyles())
	p := newJourneyPanel(com, tr)
	p.SetSize(78, 28)
	p.sync()
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.View()
		}
	})
	b.Run("new-hop", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.layout.contentKey = ""
			p.View()
		}
	})
	b.Run("screen", func(b *testing.B) {
		l, _ := lessons.Get(1)
		bl, err := newLab(l, Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer bl.close()
		s := newLessonScreen(com, bl, nil)
		s.traffic.add(bigJourney())
		s.SetSize(120, 40)
		s.journey.sync()
		s.View()
		b.ReportAllocs()
		for b.Loop() {
			s.View()
		}
	})
}

// flood sends requests to addr from n goroutines until ctx ends, each on
// a connection of its own as rawsock wants, and counts the answers.
func flood(ctx context.Context, addr string, n int, limit int64, done *atomic.Int64) *sync.WaitGroup {
	var wg sync.WaitGroup
	req := []byte("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 512)
			for ctx.Err() == nil && (limit <= 0 || done.Load() < limit) {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					time.Sleep(time.Millisecond)
					continue
				}
				c.Write(req)
				for {
					if _, err := c.Read(buf); err != nil {
						break
					}
				}
				c.Close()
				done.Add(1)
			}
		}()
	}
	return &wg
}

// benchProgram runs the TUI on lesson 1 without a terminal: keys are
// sent, frames drawn to nowhere. The filter reports each key the model
// gets. It returns once rawsock runs.
func benchProgram(b *testing.B, filter func(tea.Model, tea.Msg) tea.Msg) (*tea.Program, *labSet, string) {
	all, _ := lessons.All()
	labs := &labSet{}
	m := newModel(Options{Lessons: all, Lesson: lesson1(b)}, labs)
	sized := make(chan struct{})
	var once sync.Once
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignals(),
		tea.WithWindowSize(120, 40), tea.WithColorProfile(colorprofile.TrueColor),
		tea.WithFilter(func(m tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.WindowSizeMsg); ok {
				once.Do(func() { close(sized) })
			}
			return filter(m, msg)
		}))
	go p.Run()
	<-sized
	p.Send(tea.KeyPressMsg{Code: 'n', Text: "n"})
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == ""; {
		labs.mu.Lock()
		if len(labs.open) > 0 {
			if l := labs.open[0].r.Stack().Get("rawsock"); l != nil {
				addr = l.Addr().String()
			}
		}
		labs.mu.Unlock()
		if time.Now().After(deadline) {
			b.Fatal("rawsock never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return p, labs, addr
}

// BenchmarkKeyLatencyUnderFlood measures how long a key press waits
// before the TUI handles it while 8 clients flood rawsock with requests
// and every one of their events goes through the tap to the TUI.
func BenchmarkKeyLatencyUnderFlood(b *testing.B) {
	got := make(chan time.Time, 1)
	filter := func(m tea.Model, msg tea.Msg) tea.Msg {
		if k, ok := msg.(tea.KeyPressMsg); ok && k.Code == tea.KeyTab {
			got <- time.Now()
		}
		return msg
	}
	p, labs, addr := benchProgram(b, filter)
	ctx, cancel := context.WithCancel(context.Background())
	var served atomic.Int64
	wg := flood(ctx, addr, 8, 0, &served)
	time.Sleep(300 * time.Millisecond)
	var worst, total time.Duration
	start := time.Now()
	n := 0
	for b.Loop() {
		sent := time.Now()
		p.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		d := (<-got).Sub(sent)
		worst, total, n = max(worst, d), total+d, n+1
		time.Sleep(5 * time.Millisecond) // keys come at a person's pace
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(total.Microseconds())/1000/float64(n), "ms-mean")
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms-worst")
	b.ReportMetric(float64(served.Load())/elapsed.Seconds(), "req/s")
	cancel()
	wg.Wait()
	p.Quit()
	p.Wait()
	labs.closeAll()
}

// BenchmarkRSSAfterRequests sends b.N requests (run it with
// -benchtime=1000000x) to rawsock from 8 clients while the TUI follows
// every event, and reports the process's resident memory afterwards.
func BenchmarkRSSAfterRequests(b *testing.B) {
	var frames atomic.Int64
	filter := func(m tea.Model, msg tea.Msg) tea.Msg {
		if _, ok := msg.(labMsg); ok {
			frames.Add(1)
		}
		return msg
	}
	p, labs, addr := benchProgram(b, filter)
	var served atomic.Int64
	start := time.Now()
	b.ResetTimer()
	wg := flood(context.Background(), addr, 8, int64(b.N), &served)
	wg.Wait()
	b.StopTimer()
	elapsed := time.Since(start)
	time.Sleep(200 * time.Millisecond) // the last frames
	b.ReportMetric(float64(served.Load())/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(frames.Load())/elapsed.Seconds(), "msgs/s")
	if mb, err := procstat.ResidentMB(); err != nil {
		b.Logf("no MB-rss: %v", err)
	} else {
		b.ReportMetric(mb, "MB-rss")
	}
	p.Quit()
	p.Wait()
	labs.closeAll()
}
