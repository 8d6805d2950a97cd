package tui

import (
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// maxJourneys is how many journeys the TUI keeps to browse.
const maxJourneys = 500

// traffic is what the TUI knows of the tap: journeys assembled from its
// events, and how many requests each layer served. Memory is bounded by
// the Assembler's journey cap.
type traffic struct {
	asm     *trace.Assembler
	served  map[string]int
	counted map[int]map[string]bool // journey ID -> layers already counted for it
	missed  uint64
	hops    map[int]hopCache
}

// hopCache holds a journey's hops while its events do not change.
type hopCache struct {
	events    int
	hops      []trace.Hop
	summaries []string // hopSummary of each hop
}

func newTraffic() *traffic {
	asm := trace.NewAssembler(maxJourneys)
	asm.Reuse = true // the panels look a journey up each time they draw
	return &traffic{
		asm:     asm,
		served:  map[string]int{},
		counted: map[int]map[string]bool{},
		hops:    map[int]hopCache{},
	}
}

// add files a frame's events.
func (t *traffic) add(events []trace.Event) {
	for _, e := range events {
		j := t.asm.Add(e)
		if j == nil {
			continue
		}
		if e.Kind == trace.KindBytes && e.Dir == trace.Down && e.Layer != "" {
			t.count(j.ID, e.Layer)
		}
	}
	t.forget()
}

// count counts journey id as a request served by layer, once.
func (t *traffic) count(id int, layer string) {
	c := t.counted[id]
	if c == nil {
		c = map[string]bool{}
		t.counted[id] = c
	}
	if !c[layer] {
		c[layer] = true
		t.served[layer]++
	}
}

// forget drops what it keeps for journeys the Assembler no longer holds.
func (t *traffic) forget() {
	js := t.asm.Journeys()
	if len(js) == 0 {
		return
	}
	oldest := js[0].ID
	if len(t.counted) > 2*maxJourneys {
		for id := range t.counted {
			if id < oldest {
				delete(t.counted, id)
			}
		}
	}
	if len(t.hops) > maxJourneys {
		for id := range t.hops {
			if id < oldest {
				delete(t.hops, id)
			}
		}
	}
}

// journeys returns the journeys held, oldest first.
func (t *traffic) journeys() []*trace.Journey { return t.asm.Journeys() }

// hopsOf returns j's hops, computed once per change of the journey.
func (t *traffic) hopsOf(j *trace.Journey) []trace.Hop { return t.cached(j).hops }

// summariesOf returns what each of j's hops carried, in a few words.
func (t *traffic) summariesOf(j *trace.Journey) []string { return t.cached(j).summaries }

func (t *traffic) cached(j *trace.Journey) hopCache {
	if c, ok := t.hops[j.ID]; ok && c.events == len(j.Events) {
		return c
	}
	c := hopCache{events: len(j.Events), hops: j.Hops()}
	for _, h := range c.hops {
		c.summaries = append(c.summaries, hopSummary(h))
	}
	t.hops[j.ID] = c
	return c
}
