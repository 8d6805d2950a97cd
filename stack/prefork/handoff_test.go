package prefork

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestIdleWorkerOutlivesItsTimeout leaves the workers with nothing to do
// for four times their timeout: an idle worker's accept wakes up every
// acceptWait and tells the master it is alive, so none is timed out.
func TestIdleWorkerOutlivesItsTimeout(t *testing.T) {
	s, rec := startServer(t, Options{Workers: 2, Timeout: 300 * time.Millisecond})
	sub := rec.Subscribe()
	defer sub.Close()
	before := s.PIDs()
	time.Sleep(1200 * time.Millisecond)
	flush(t, s)
	if after := s.PIDs(); !slices.Equal(after, before) {
		t.Errorf("PIDs %v after an idle while, %v before: an idle worker was replaced", after, before)
	}
	if text := eventText(sub.TryNext(0)); strings.Contains(text, "WORKER TIMEOUT") {
		t.Errorf("an idle worker timed out:\n%s", text)
	}
	if got := exchange(t, s.Addr(), "GET / HTTP/1.0\r\n\r\n"); !strings.HasPrefix(got, "HTTP/1.0 200") {
		t.Errorf("answer after the idle while: %q", got)
	}
}

// TestGracefulStopUnderLoad stops the server while clients keep sending
// requests: every request a worker took is answered whole, Shutdown
// returns, and every worker is gone. A client whose connection was still
// in the socket's queue when the last copy of the socket closed is reset
// before any byte of an answer, and one that comes later is refused, as
// with gunicorn; a connection closed with no answer and no reset is a
// request a worker took and dropped.
func TestGracefulStopUnderLoad(t *testing.T) {
	s, _ := startServer(t, Options{App: "slow:application", Workers: 2})
	addr := s.Addr().String()
	const clients = 6
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		whole    int
		dropped  []string
		stopping = make(chan struct{})
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stopping:
					return
				default:
				}
				answer, err := request(addr, "GET /?seconds=0.05 HTTP/1.0\r\n\r\n")
				mu.Lock()
				switch {
				case err == nil:
					whole++
				case answer != "" || errors.Is(err, io.EOF):
					dropped = append(dropped, fmt.Sprintf("%q (%v)", answer, err))
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond) // the workers are busy
	pids := s.PIDs()[1:]
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown under load: %v", err)
	}
	close(stopping)
	wg.Wait()
	if whole == 0 {
		t.Error("no request was answered before the stop")
	}
	for _, d := range dropped {
		t.Errorf("a request a worker took was not answered whole: %s", d)
	}
	for _, pid := range pids {
		if !gone(pid) {
			t.Errorf("worker %d still running after Shutdown", pid)
		}
	}
}

// request sends raw on a new connection and reads the answer to its end.
// It returns nil for a whole answer, a 200 whose body is as long as its
// Content-Length says; io.EOF for a connection that closed cleanly before
// the answer was whole; and the error that ended it otherwise.
func request(addr, raw string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	answer := string(b)
	if err != nil {
		return answer, err
	}
	head, body, ok := strings.Cut(answer, "\r\n\r\n")
	if !ok || !strings.HasPrefix(head, "HTTP/1.0 200") {
		return answer, io.EOF
	}
	length := -1
	for _, line := range strings.Split(head, "\r\n") {
		if v, ok := strings.CutPrefix(strings.ToLower(line), "content-length: "); ok {
			length, _ = strconv.Atoi(v)
		}
	}
	if len(body) != length {
		return answer, io.EOF
	}
	return answer, nil
}
