package trace

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRecorderRing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		events      int
		bytes       int // of data, beyond the ring's slots
		record      []string
		wantHeld    []string
		wantDropped uint64
	}{
		{name: "fits", events: 4, bytes: 100, record: []string{"a", "b"}, wantHeld: []string{"a", "b"}},
		{name: "event bound drops oldest", events: 2, bytes: 100, record: []string{"a", "b", "c"}, wantHeld: []string{"b", "c"}, wantDropped: 1},
		{name: "byte bound drops oldest", events: 8, bytes: 5, record: []string{"aa", "bb", "cc"}, wantHeld: []string{"bb", "cc"}, wantDropped: 1},
		{name: "event bigger than bound", events: 8, bytes: 3, record: []string{"a", "bbbb"}, wantHeld: []string{"bbbb"}, wantDropped: 1},
		{name: "the ring grows to its bound", events: 1000, bytes: 1 << 20, record: numbered(0, 700), wantHeld: numbered(0, 700)},
		{name: "grown to an odd bound, then drops oldest", events: 300, bytes: 1 << 20, record: numbered(0, 700), wantHeld: numbered(400, 700), wantDropped: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRecorder(tt.events, min(tt.events, initialRing)*slotSize+tt.bytes)
			sub := r.Subscribe()
			defer sub.Close()
			for _, s := range tt.record {
				r.Record(Event{Kind: KindBytes, Data: []byte(s)})
			}
			var got []string
			for _, e := range sub.TryNext(0) {
				got = append(got, string(e.Data))
			}
			if !equalStrings(got, tt.wantHeld) {
				t.Errorf("held %q, want %q", got, tt.wantHeld)
			}
			st := r.Stats()
			if st.Dropped != tt.wantDropped || sub.Missed() != tt.wantDropped {
				t.Errorf("dropped %d, missed %d, want %d", st.Dropped, sub.Missed(), tt.wantDropped)
			}
			if st.Recorded != uint64(len(tt.record)) {
				t.Errorf("recorded %d, want %d", st.Recorded, len(tt.record))
			}
		})
	}
}

// TestRecorderBoundsItsMemory checks that the byte bound counts the
// ring's slots: a ring whose next size would not fit drops the oldest
// event rather than grow.
func TestRecorderBoundsItsMemory(t *testing.T) {
	t.Parallel()
	r := NewRecorder(1<<16, 300*slotSize)
	sub := r.Subscribe()
	defer sub.Close()
	for i := range 700 {
		r.Record(Event{Kind: KindBytes, Data: []byte(strconv.Itoa(i))})
	}
	if len(r.ring) != initialRing {
		t.Errorf("the ring grew to %d slots, %d bytes, past its bound of %d", len(r.ring), len(r.ring)*slotSize, 300*slotSize)
	}
	evs := sub.TryNext(0)
	if len(evs) != initialRing || string(evs[len(evs)-1].Data) != "699" {
		t.Errorf("held %d events, the last %q; want the newest %d", len(evs), evs[len(evs)-1].Data, initialRing)
	}
	if st := r.Stats(); st.Dropped != 700-initialRing {
		t.Errorf("dropped %d, want %d", st.Dropped, 700-initialRing)
	}
}

// numbered returns the decimal numbers from up to to, as strings.
func numbered(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

// TestRecorderStartsSmall checks that a Recorder pays for the room its
// events take, not for its whole bound, and that a subscriber that reads
// while the ring grows misses nothing.
func TestRecorderStartsSmall(t *testing.T) {
	t.Parallel()
	r := NewRecorder(0, 0)
	if n := len(r.ring); n > initialRing {
		t.Fatalf("a new recorder holds room for %d events, want at most %d", n, initialRing)
	}
	sub := r.Subscribe()
	defer sub.Close()
	var got []string
	for i := range 5000 {
		r.Record(Event{Kind: KindBytes, Data: []byte(strconv.Itoa(i))})
		if i%97 == 0 {
			for _, e := range sub.TryNext(0) {
				got = append(got, string(e.Data))
			}
		}
	}
	for _, e := range sub.TryNext(0) {
		got = append(got, string(e.Data))
	}
	if !equalStrings(got, numbered(0, 5000)) || sub.Missed() != 0 {
		t.Errorf("read %d events in order %v, missed %d; want all 5000 in order", len(got), equalStrings(got, numbered(0, len(got))), sub.Missed())
	}
}

// TestRecordTimeFollowsSeq records from many goroutines at once and finds
// the events' times in the order of their sequence numbers: the journey's
// order relies on it.
func TestRecordTimeFollowsSeq(t *testing.T) {
	t.Parallel()
	r := NewRecorder(0, 0)
	sub := r.Subscribe()
	defer sub.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2000 {
				r.Record(Event{Kind: KindLog})
			}
		}()
	}
	wg.Wait()
	evs := sub.TryNext(0)
	for i := 1; i < len(evs); i++ {
		if evs[i].Time.Before(evs[i-1].Time) {
			t.Fatalf("event %d has an earlier time than event %d, recorded before it", evs[i].Seq, evs[i-1].Seq)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRecordCopiesData checks that each event keeps a copy of its data,
// short (copied into a block, after the one before) or long (copied on
// its own), that nothing done to the caller's buffer or to another
// event's copy reaches.
func TestRecordCopiesData(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", maxBlock/8+1)
	tests := []struct {
		name string
		data []string
	}{
		{name: "short", data: []string{"GET /", "HTTP/1.0 200 OK"}},
		{name: "long", data: []string{long, long + "y"}},
		{name: "short after long", data: []string{long, "GET /", "ok"}},
		{name: "a block fills up", data: slices.Repeat([]string{strings.Repeat("z", maxBlock/8)}, 9)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRecorder(16, 0)
			sub := r.Subscribe()
			defer sub.Close()
			for _, d := range tt.data {
				buf := []byte(d)
				r.Record(Event{Kind: KindBytes, Data: buf})
				copy(buf, "XXXXX")
			}
			evs := sub.TryNext(0)
			for i := range evs {
				// An append to one event's data must not write over
				// the next event's.
				evs[i].Data = append(evs[i].Data, '!')
			}
			if len(evs) != len(tt.data) {
				t.Fatalf("recorded %d events, want %d", len(evs), len(tt.data))
			}
			for i, e := range evs {
				if got := string(e.Data); got != tt.data[i]+"!" {
					t.Errorf("event %d holds %.20q (%d bytes), want %.20q, as it was", i, got, len(got)-1, tt.data[i])
				}
				if e.Seq != uint64(i+1) || e.PID == 0 || e.Time.IsZero() {
					t.Errorf("Seq %d, PID %d, Time %v: want them set", e.Seq, e.PID, e.Time)
				}
			}
		})
	}
}

func TestSubscriptionNextWaits(t *testing.T) {
	t.Parallel()
	r := NewRecorder(16, 0)
	sub := r.Subscribe()
	defer sub.Close()
	go func() {
		time.Sleep(10 * time.Millisecond)
		r.Record(Event{Kind: KindLog, Data: []byte("x")})
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	evs, err := sub.Next(ctx, 0)
	if err != nil || len(evs) != 1 {
		t.Fatalf("Next = %v, %v; want one event", evs, err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := sub.Next(ctx2, 0); err == nil {
		t.Error("Next on a done context returned no error")
	}
}

func TestSubscriptionRead(t *testing.T) {
	t.Parallel()
	r := NewRecorder(2, 0)
	sub := r.Subscribe()
	defer sub.Close()
	for _, s := range []string{"a", "b", "c"} { // "a" drops out of the ring
		r.Record(Event{Kind: KindBytes, Data: []byte(s)})
	}
	buf := make([]Event, 1)
	var got []string
	for n := sub.TryRead(buf); n > 0; n = sub.TryRead(buf) {
		got = append(got, string(buf[0].Data))
	}
	if !equalStrings(got, []string{"b", "c"}) || sub.Missed() != 1 {
		t.Errorf("read %q, missed %d; want [b c], 1 missed", got, sub.Missed())
	}
	go func() {
		time.Sleep(10 * time.Millisecond)
		r.Record(Event{Kind: KindLog, Data: []byte("d")})
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n, err := sub.Read(ctx, buf); n != 1 || err != nil || string(buf[0].Data) != "d" {
		t.Fatalf("Read = %d, %v, %q; want the one event d", n, err, buf[0].Data)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := sub.Read(ctx2, buf); err == nil {
		t.Error("Read on a done context returned no error")
	}
}

// TestRecorderConcurrent records from many goroutines while a subscriber
// reads; run with -race.
func TestRecorderConcurrent(t *testing.T) {
	t.Parallel()
	r := NewRecorder(64, 0)
	sub := r.Subscribe()
	defer sub.Close()
	const writers, each = 8, 500
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				r.Record(Event{Kind: KindBytes, Data: []byte("abc")})
			}
		}()
	}
	done := make(chan struct{})
	var read uint64
	go func() {
		defer close(done)
		for read+sub.Missed() < writers*each {
			read += uint64(len(sub.TryNext(16)))
		}
	}()
	wg.Wait()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("subscriber never caught up")
	}
	if got := read + sub.Missed(); got != writers*each {
		t.Errorf("read %d + missed %d != %d recorded", read, sub.Missed(), writers*each)
	}
}

func BenchmarkRecord(b *testing.B) {
	r := NewRecorder(0, 0)
	sub := r.Subscribe()
	defer sub.Close()
	data := []byte("GET / HTTP/1.0\r\n\r\n")
	b.ReportAllocs()
	for b.Loop() {
		r.Record(Event{Kind: KindBytes, Dir: Down, Data: data})
	}
}

func BenchmarkRecordParallel(b *testing.B) {
	r := NewRecorder(0, 0)
	data := []byte("GET / HTTP/1.0\r\n\r\n")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Record(Event{Kind: KindBytes, Dir: Down, Data: data})
		}
	})
}
