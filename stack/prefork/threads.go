package prefork

import (
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// serveThreads is a thread worker's loop, after gunicorn's gthread worker:
// the main thread accepts and hands each connection to one of cfg.Threads
// threads, so that one process serves that many requests at once. When
// every thread is busy it stops accepting until one is free, and all the
// while it tells the master it is alive: a slow request no longer looks
// like a stuck worker.
//
// Each thread is a goroutine, which waits for its client on Go's poller:
// where a Python thread blocked in a read holds an OS thread, a goroutine
// holds none, but it serves one connection at a time all the same.
func (w *worker) serveThreads() int {
	free := make(chan *session, w.cfg.Threads) // one per idle thread
	for range w.cfg.Threads {
		free <- w.newSession()
	}
	var busy sync.WaitGroup
	for !w.isStopping() {
		var s *session
		select {
		case s = <-free:
		case <-time.After(acceptWait):
			w.out.tick()
			continue
		}
		c, err := w.acc.accept()
		w.out.tick()
		if err != nil {
			free <- s
			if err != errIdle {
				w.tap.Log(nil, "log", err.Error())
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		busy.Add(1)
		w.serving <- struct{}{}
		go func() {
			defer busy.Done()
			defer func() { <-w.serving }()
			if w.handle(w.tap.Conn(c, trace.Server), s) {
				w.stop() // max requests: accept no more, finish what runs
			}
			free <- s
		}()
	}
	busy.Wait()
	w.acc.close()
	return exitOK
}
