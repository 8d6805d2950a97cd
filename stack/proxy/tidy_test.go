package proxy

import (
	goruntime "runtime"
	"sync"
	"testing"
	"time"
)

// TestTidierHandsBackAfterACrowd checks that memory is handed back once
// after a crowd of connections let theirs go, and not before.
func TestTidierHandsBackAfterACrowd(t *testing.T) {
	t.Parallel()
	freed := make(chan struct{}, 10)
	td := &tidier{crowd: 3, quiet: 5 * time.Millisecond, free: func() { freed <- struct{}{} }}
	td.letGo()
	td.letGo()
	select {
	case <-freed:
		t.Fatal("handed back before a crowd had gone")
	case <-time.After(50 * time.Millisecond):
	}
	td.letGo()
	select {
	case <-freed:
	case <-time.After(5 * time.Second):
		t.Fatal("not handed back after a crowd had gone")
	}
	select {
	case <-freed:
		t.Fatal("handed back twice for one crowd")
	case <-time.After(50 * time.Millisecond):
	}
}

// TestFreeMemoryEmptiesThePools checks that tidying frees what idle
// connections gave back to the proxy's pools: a sync.Pool keeps its
// contents through one collection, so one alone would free none of it.
func TestFreeMemoryEmptiesThePools(t *testing.T) {
	var pool sync.Pool
	freed := make(chan struct{})
	rp := &readerPair{}
	goruntime.SetFinalizer(rp, func(*readerPair) { close(freed) })
	pool.Put(rp)
	rp = nil
	freeMemory()
	select {
	case <-freed:
	case <-time.After(5 * time.Second):
		t.Error("a pooled reader outlived the tidying")
	}
	goruntime.KeepAlive(&pool)
}
