package tui

import (
	"fmt"

	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
	"github.com/ngw2f/ngw2f-lab/lessons/progress"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// study follows the learner's own requests (the prompt's, or curl's and a
// real telnet's from another terminal: anything the runner did not send)
// and checks them against the lesson's challenges, once each journey is
// over. It reads the journey, never the screen.
type study struct {
	challenges []*challenge.Challenge
	solved     map[string]bool
	hints      map[string]int // hints shown, by challenge ID
	seen       map[int]bool   // journeys already checked
	last       *challenge.Summary
}

// newStudy compiles the lesson's challenges; the runner has checked them
// already, so an error here leaves the lesson without challenges.
func newStudy(b *lab) *study {
	s := &study{solved: map[string]bool{}, hints: map[string]int{}, seen: map[int]bool{}}
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

// check looks at the journeys that are over and were not checked yet.
// scripted tells the runner's own connections from the learner's;
// readyMade tells the connections a ready-made request went out on, which
// get a verdict but solve no challenge.
func (s *study) check(js []*trace.Journey, scripted, readyMade func(addr string) bool) []event {
	var out []event
	for _, j := range js {
		if s.seen[j.ID] {
			continue
		}
		client := clientAddr(j)
		if client == "" || scripted(client) {
			s.seen[j.ID] = true
			continue
		}
		sum := challenge.Summarize(j)
		if !sum.Answered {
			continue
		}
		s.seen[j.ID] = true
		s.last = &sum
		ev := event{verdict: challenge.Verdict(sum)}
		if readyMade(client) {
			out = append(out, ev)
			continue
		}
		for _, c := range s.challenges {
			if !s.solved[c.ID] && c.SolvedBy(sum) {
				s.solved[c.ID] = true
				ev.solved = append(ev.solved, c)
			}
		}
		out = append(out, ev)
	}
	if len(s.seen) > 2*maxJourneys && len(js) > 0 {
		for id := range s.seen {
			if id < js[0].ID {
				delete(s.seen, id)
			}
		}
	}
	return out
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

// record saves solved challenges in the learner's progress.
func (s *study) record(p *progress.Store, lessonID string, evs []event) error {
	if p == nil {
		return nil
	}
	for _, ev := range evs {
		for _, c := range ev.solved {
			if err := p.Solved(lessonID, c.ID); err != nil {
				return err
			}
		}
	}
	return nil
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
