// Package peek looks at what waits on a connection without taking it: a
// layer that must not read ahead (a proxy waiting for the next request on
// a kept-alive connection, a worker about to close one) asks whether bytes
// are there, or waits until they are, and leaves them where they are.
//
// On Unix it peeks with MSG_PEEK through the connection's raw descriptor,
// on Go's poller. Elsewhere it cannot peek: Pending says no and Readable
// returns at once, so a caller falls back to reading.
package peek
