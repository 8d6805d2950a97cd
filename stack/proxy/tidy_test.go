package proxy

import (
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
