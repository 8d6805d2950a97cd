package trace

// blocks hands out room for short runs of T, one run after another, in
// shared blocks rather than in an allocation each: the Recorder's copies
// of events' data, a Decoder's fields of workers' events. A block lives as
// long as any run in it; the Recorder's ring and an Assembler's journeys
// hold the events of one stretch of time, made one after another, so that
// what they keep alive beyond their events' own is about a block at each
// end of that stretch. A run longer than an eighth of a block has an
// allocation of its own, so that the end of a block a run leaves unused
// is an eighth at most. A blocks is not safe for concurrent use.
type blocks[T any] struct {
	size int // of a block
	free []T // the unused end of the current block
}

// short reports whether a run of n goes in a block.
func (b *blocks[T]) short(n int) bool { return n <= b.size/8 }

// take returns room for a run of n.
func (b *blocks[T]) take(n int) []T {
	if !b.short(n) {
		return make([]T, n)
	}
	if n > len(b.free) {
		b.free = make([]T, b.size)
	}
	run := b.free[:n:n] // full: an append to it cannot reach the next run
	b.free = b.free[n:]
	return run
}
