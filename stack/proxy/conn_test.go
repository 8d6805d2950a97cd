package proxy

import (
	"fmt"
	"testing"
	"time"
)

// TestDeadlineArm checks that a deadline is armed again only as nginx
// re-adds a timer: when the one armed has passed, or is lazyDelay or more
// away from the new one.
func TestDeadlineArm(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name   string
		armed  time.Time
		t      time.Time
		rearms bool
	}{
		{"none armed", time.Time{}, now.Add(time.Minute), true},
		{"later within the delay", now.Add(time.Minute), now.Add(time.Minute + lazyDelay - time.Millisecond), false},
		{"earlier within the delay", now.Add(time.Minute), now.Add(time.Minute - lazyDelay + time.Millisecond), false},
		{"later by the delay", now.Add(time.Minute), now.Add(time.Minute + lazyDelay), true},
		{"earlier by more", now.Add(time.Minute), now.Add(250 * time.Millisecond), true},
		{"armed one passed", now.Add(-time.Millisecond), now.Add(100 * time.Millisecond), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := deadline{at: tc.armed}
			var set []time.Time
			d.arm(func(at time.Time) error { set = append(set, at); return nil }, now, tc.t)
			want := tc.armed
			if tc.rearms {
				want = tc.t
			}
			if (len(set) == 1) != tc.rearms || !d.at.Equal(want) {
				t.Errorf("armed %v, now at %v; want re-armed %v", set, d.at.Sub(now), tc.rearms)
			}
		})
	}
}

// TestWaitList checks the list of waiting connections: newest at the
// front, any one taken out, the oldest at the back.
func TestWaitList(t *testing.T) {
	cs := make([]*conn, 4)
	for i := range cs {
		cs[i] = &conn{n: uint64(i)}
	}
	order := func(l *waitList) []uint64 {
		var out []uint64
		for c := l.front; c != nil; c = c.waitNext {
			out = append(out, c.n)
		}
		var back []uint64
		for c := l.back; c != nil; c = c.waitPrev {
			back = append([]uint64{c.n}, back...)
		}
		if fmt.Sprint(out) != fmt.Sprint(back) || len(out) != l.n {
			t.Fatalf("front to back %v, back to front %v, n %d", out, back, l.n)
		}
		return out
	}
	var l waitList
	for _, c := range cs {
		l.pushFront(c)
	}
	for _, step := range []struct {
		remove *conn
		want   string
	}{
		{nil, "[3 2 1 0]"},
		{cs[2], "[3 1 0]"},
		{cs[0], "[3 1]"},
		{cs[3], "[1]"},
		{cs[1], "[]"},
	} {
		if step.remove != nil {
			l.remove(step.remove)
			if step.remove.waiting {
				t.Errorf("connection %d still marked waiting", step.remove.n)
			}
		}
		if got := fmt.Sprint(order(&l)); got != step.want {
			t.Errorf("after removing: %s, want %s", got, step.want)
		}
	}
	l.pushFront(cs[2])
	if got := fmt.Sprint(order(&l)); got != "[2]" || l.back != cs[2] {
		t.Errorf("pushed again into an empty list: %s", got)
	}
}
