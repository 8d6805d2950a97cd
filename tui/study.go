package tui

import (
	"fmt"
	"slices"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// study follows the learner's own requests (the prompt's, or curl's and a
// real telnet's from another terminal: anything the runner did not send)
// and checks them against the lesson's challenges, once each journey is
// over. It reads the journey, never the screen.
type study struct {
	challenges []*challenge.Challenge
	solved     map[string]bool
	hints      map[string]int     // hints shown, by challenge ID
	seen       map[int]bool       // journeys already checked
	looked     map[int]int        // journeys not over yet: how many events they had
	unsettled  map[int]time.Time  // journeys over but not settled, since when
	last       *challenge.Summary // the learner's latest finished request
	lastID     int
}

// newStudy compiles the lesson's challenges; the runner has checked them
// already, so an error here leaves the lesson without challenges.
func newStudy(b *lab) *study {
	s := &study{solved: map[string]bool{}, hints: map[string]int{}, seen: map[int]bool{}, looked: map[int]int{}, unsettled: map[int]time.Time{}}
	s.challenges, _ = challenge.CompileLesson(b.lesson)
	if b.progress != nil {
		for _, id := range b.progress.Get(b.lesson.ID()).Solved {
			s.solved[id] = true
		}
	}
	return s
}

// event is something the learner should hear about a request of theirs.
type event struct {
	verdict string // which layer refused the request and why, or that none did
	solved  []*challenge.Challenge
}

// budget is how many journeys check reads in one frame: under a flood of
// requests (wrk, a loop of curl) the newest are read and the rest passed
// over, so that the TUI keeps up with keys.
const budget = 16

// check looks at the journeys that are over and were not checked yet, the
// newest first, at most budget of them a frame. scripted tells the
// runner's own connections from the learner's; readyMade tells the
// connections a ready-made request went out on, which get a verdict but
// solve no challenge. verdicts says whether a verdict is wanted at all.
func (s *study) check(js []*trace.Journey, scripted, readyMade func(addr string) bool, verdicts bool) []event {
	if !verdicts && s.allSolved() {
		return nil
	}
	var out []event
	left := budget
	for i := len(js) - 1; i >= 0; i-- {
		j := js[i]
		if s.seen[j.ID] {
			continue
		}
		client := clientAddr(j)
		if client == "" || scripted(client) || left == 0 {
			s.seen[j.ID] = true
			continue
		}
		if n, ok := s.looked[j.ID]; ok && n == len(j.Events) && !s.waitedOut(j.ID) {
			continue // nothing new since it was last looked at
		}
		left--
		sum := challenge.Summarize(j)
		if !sum.Answered || !sum.Settled && !s.waitedOut(j.ID) {
			if sum.Answered && s.unsettled[j.ID].IsZero() {
				s.unsettled[j.ID] = time.Now()
			}
			s.looked[j.ID] = len(j.Events)
			continue
		}
		delete(s.looked, j.ID)
		delete(s.unsettled, j.ID)
		s.seen[j.ID] = true
		if j.ID > s.lastID {
			s.last, s.lastID = &sum, j.ID
		}
		out = append(out, s.judge(sum, readyMade(client), verdicts))
	}
	s.forget(js)
	slices.Reverse(out)
	return out
}

// settleWait is how long a journey that is over for its client waits for
// the hops of the layers behind (a worker's, sent from its own process)
// before it is judged without them.
const settleWait = 2 * time.Second

// waitedOut reports whether journey id has waited settleWait to settle.
func (s *study) waitedOut(id int) bool {
	since, ok := s.unsettled[id]
	return ok && time.Since(since) >= settleWait
}

// judge checks one finished journey against the challenges not solved.
func (s *study) judge(sum challenge.Summary, readyMade, verdicts bool) event {
	var ev event
	if verdicts {
		ev.verdict = challenge.Verdict(sum)
	}
	if readyMade {
		return ev
	}
	for _, c := range s.challenges {
		if !s.solved[c.ID] && c.SolvedBy(sum) {
			s.solved[c.ID] = true
			ev.solved = append(ev.solved, c)
		}
	}
	return ev
}

func (s *study) allSolved() bool {
	for _, c := range s.challenges {
		if !s.solved[c.ID] {
			return false
		}
	}
	return true
}

// forget drops what it keeps of journeys the TUI no longer holds.
func (s *study) forget(js []*trace.Journey) {
	if len(s.seen)+len(s.looked) <= 2*maxJourneys || len(js) == 0 {
		return
	}
	for id := range s.seen {
		if id < js[0].ID {
			delete(s.seen, id)
		}
	}
	for id := range s.looked {
		if id < js[0].ID {
			delete(s.looked, id)
			delete(s.unsettled, id)
		}
	}
}

// clientAddr returns the address a journey's client connected from.
func clientAddr(j *trace.Journey) string {
	for _, e := range j.Events {
		if e.Kind == trace.KindOpen && e.Side == trace.Server {
			return e.Remote
		}
	}
	return ""
}

// hint reveals the next hint of challenge i, and returns it, or says there
// is no other.
func (s *study) hint(i int) string {
	c := s.challenges[i]
	n := s.hints[c.ID]
	h, ok := c.Hint(n)
	if !ok {
		return fmt.Sprintf("no more hints for %s", c.ID)
	}
	s.hints[c.ID] = n + 1
	return h
}
