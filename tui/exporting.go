package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/transcripts/export"
)

// exportedMsg says where the session was exported.
type exportedMsg struct {
	files []string
	err   error
}

// exportSession writes the journeys so far as Markdown and HAR, side by
// side in dir, named after the lesson and the time.
func exportSession(dir string, l *lessons.Lesson, js []*trace.Journey, version string) tea.Cmd {
	copied := make([]*trace.Journey, len(js))
	for i, j := range js {
		c := *j
		c.Events = append([]trace.Event(nil), j.Events...)
		copied[i] = &c
	}
	run := export.Run{Title: fmt.Sprintf("Lesson %d: %s", l.Number, l.Title), Version: version, Journeys: copied}
	base := filepath.Join(dir, fmt.Sprintf("ngw2f-lab-%s-%s", l.ID(), time.Now().Format("20060102-150405")))
	return func() tea.Msg {
		var files []string
		var errs []error
		for ext, write := range map[string]func(*os.File) error{
			".md":  func(f *os.File) error { return export.Markdown(f, run) },
			".har": func(f *os.File) error { return export.HAR(f, run) },
		} {
			f, err := os.Create(base + ext)
			if err == nil {
				err = errors.Join(write(f), f.Close())
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			files = append(files, base+ext)
		}
		return exportedMsg{files: files, err: errors.Join(errs...)}
	}
}

// copyAsCurl returns the command that sends j's client request again, and
// puts it on the clipboard (OSC 52, where the terminal allows it).
func copyAsCurl(j *trace.Journey) (export.Command, tea.Cmd, bool) {
	s := challenge.Summarize(j)
	addr := export.FrontAddr(j)
	if len(s.Request) == 0 || addr == "" {
		return export.Command{}, nil, false
	}
	c := export.CopyAsCurl(s.Request, addr)
	return c, tea.SetClipboard(c.Line), true
}
