package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/transcripts/export"
)

// exportedMsg says where the session was exported.
type exportedMsg struct {
	files []string
	err   error
}

// exportSession writes run, the session so far, as Markdown and HAR, side
// by side in dir, named after the lesson (its ID) and the time. It copies
// the journeys first: the Assembler goes on adding to them.
func exportSession(dir, id string, run export.Run) tea.Cmd {
	copied := make([]*trace.Journey, len(run.Journeys))
	for i, j := range run.Journeys {
		c := *j
		c.Events = append([]trace.Event(nil), j.Events...)
		copied[i] = &c
	}
	run.Journeys = copied
	base := filepath.Join(dir, fmt.Sprintf("ngw2f-lab-%s-%s", id, time.Now().Format("20060102-150405")))
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

// shellLines breaks a shell command into lines of at most w cells at the
// spaces between its words, each line but the last ending in " \", so
// that the lines, selected and pasted into a shell, are the one command
// again. A word longer than a line stays whole on a line of its own.
func shellLines(cmd string, w int) []string {
	var lines []string
	line := ""
	for _, word := range shellWords(cmd) {
		if line != "" && len(line)+1+len(word)+2 > w {
			lines = append(lines, line+" \\")
			line = "  " + word
			continue
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}

// shellWords splits a command at the spaces outside its quotes: '...',
// "..." and $'...', in which a backslash escapes the next character.
func shellWords(cmd string) []string {
	var words []string
	var quote byte // the quote open, or 0
	escaped, start := false, 0
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case escaped:
			escaped = false
		case quote == 0 && c == ' ':
			if i > start {
				words = append(words, cmd[start:i])
			}
			start = i + 1
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
			if c == '\'' && i > 0 && cmd[i-1] == '$' {
				quote = '$'
			}
		case quote == 0 && c == '\\', quote == '"' && c == '\\', quote == '$' && c == '\\':
			escaped = true
		case quote == c, quote == '$' && c == '\'':
			quote = 0
		}
	}
	if start < len(cmd) {
		words = append(words, cmd[start:])
	}
	return words
}
