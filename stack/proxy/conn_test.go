package proxy

import (
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
