// Package trace is the lab's wire tap: it records every read and write the
// layers make on their connections, byte for byte, and the hand-offs between
// layers that are not bytes (an environ, a start_response call, a route
// match), and groups them into journeys: one request's way down the stack
// and its response's way back up.
//
// A layer wraps its listener with a Tap; every accepted connection then
// reports its bytes to a Sink, usually a Recorder. The Recorder keeps the
// newest events in a bounded ring and hands them to subscribers (the TUI, the
// plain printer). An Assembler turns the stream of events into Journeys.
//
// NOTES:
//   - Recording never changes what a layer sends: a tapped connection passes
//     every byte through unchanged and records a copy.
//   - A write is recorded before it is made. The invariant a reader of the
//     Recorder can rely on depends on where the tap is:
//     in the lab's own process, a peer that has seen the bytes can be sure
//     the Recorder has them too; in another process (a pre-fork worker,
//     which sends its events over a pipe in batches), the events reach the
//     Recorder at the latest when that layer's FlushTrace returns
//     (stack.TraceFlusher), and a client may see the bytes first. A worker
//     killed with -9 takes along the events it had not sent yet: those
//     since its last flush point, 64 KiB at most. A short write is recorded
//     as an error event after it.
//   - Memory is bounded by bytes, not only by count: a hop keeps its first
//     MaxHopBytes and counts the rest; a Recorder's ring, slots and data,
//     takes at most DefaultBytes; an Assembler's journeys at most its
//     MaxBytes, the oldest let go first (OnDrop hands them on), and a
//     connection whose journey went holds nothing of it.
//   - Record never blocks for long: it takes a mutex, copies the bytes, and
//     wakes subscribers without waiting for them. A subscriber that falls
//     behind the ring misses events and is told how many.
//   - A Gate on the Recorder (SetGate) holds each request where a layer
//     receives it, after its bytes are recorded, until it is let through:
//     the presenter's hop-by-hop mode. Taps ask the Gate only when one is
//     set, so tracing without one costs what it did. A Gate holds what
//     taps in this process see: a tap in another process (a worker that
//     forwards its events) reports them but is not held.
//   - Connections are tapped where they are accepted. A layer that dials
//     another one records a Link, and the Assembler follows it to the
//     accepted side, within one process or across processes.
//   - A layer that dials a program outside the lab (which nobody taps) taps
//     its dialed end too, on the Client side (Tap.Dialed). It leaves that
//     end untapped when the address it dials is covered: a listener whose
//     accepted connections are tapped into the same Recorder (Tap.Listen
//     covers its own; the pre-fork master covers the socket its workers
//     accept on). Recording both ends would cost the lab's process every
//     event of the hop twice, for the Assembler to show one end. When both
//     ends of one TCP connection are tapped all the same (a sink that is
//     not a Recorder), the Assembler matches them by their addresses and
//     shows the accepted end only, so that no hop shows twice; the dialed
//     end's events already filed are taken back. A journey passed on to a
//     connection whose accepted end has not shown up yet (a worker's
//     events come in batches) is Awaiting it.
package trace
