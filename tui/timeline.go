package tui

import (
	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui/remote"
)

// talkSections are the minute marks of the talk's own sections, from its
// slide notes: where each numbered section starts. A lesson's minute may
// fall inside one (lesson 6 starts at 7.4, 16:00). The last is the
// questions: the talk's end.
var talkSections = []string{"0:00", "1:30", "2:30", "3:15", "6:00", "10:30", "14:00", "18:00"}

// talkEnd is where the talk's own timeline ends: the questions.
const talkEnd = "18:00"

// sectionEnd returns the minute mark the section of talk[at] ends at, on
// the talk's own timeline: the first mark after the lesson's own, among
// the talk's sections and every lesson's marks; not the next lesson by
// number, which may come earlier in the talk. A lesson the talk does not
// place on its timeline (beyond the talk: no minute), or that comes after
// the talk has passed its mark (lesson 9, 2) The Stack at 1:30, shown at
// the end), runs in the time after the talk's own, and ends with it.
func sectionEnd(all, talk []*lessons.Lesson, at int) string {
	own, ok := remote.ParseMinute(talk[at].Minute)
	if !ok {
		return talkEnd
	}
	for _, l := range talk[:at] {
		if d, ok := remote.ParseMinute(l.Minute); ok && d > own {
			return talkEnd
		}
	}
	marks := append([]string(nil), talkSections...)
	for _, l := range all {
		marks = append(marks, l.Minute)
	}
	end, best := "", own
	for _, m := range marks {
		if d, ok := remote.ParseMinute(m); ok && d > own && (end == "" || d < best) {
			end, best = m, d
		}
	}
	if end == "" {
		return talkEnd
	}
	return end
}
