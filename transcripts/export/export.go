// Package export writes the journeys of a lesson run for use outside the
// lab: as Markdown for workshop handouts (every hop's bytes, in order, and
// a command that sends the same request again) and as HAR 1.2, which
// browser devtools open, with the requests and responses the client saw
// and their timings.
package export

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
	"github.com/ngw2f/ngw2f-lab/lessons/runner"
	"github.com/ngw2f/ngw2f-lab/stack/kinds"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/visible"
	"github.com/ngw2f/ngw2f-lab/transcripts"
)

// Run is what an export is made of: the journeys of one lesson run, or
// of a session so far.
type Run struct {
	Title    string // "Lesson 1: HTTP is text"
	Version  string // the lab's version, for HAR's creator
	Journeys []*trace.Journey
	// Ports are the ports the run's layers listened on, with each
	// layer's name (runner.Runner.Ports): where one is not the talk's
	// port for the layer, it was a stand-in, gone once the run ended, and
	// the commands the export gives send to the talk's port instead.
	Ports map[int]string
	// Logs are the lines the layers logged that belong to no request (a
	// master's), as the runner reported them (runner.OutLog): they say
	// why a journey got no answer when its worker was killed.
	Logs []string
}

// verdict says what became of a journey's request, as of the export: a
// run that is over, or a session so far, where nothing is "yet". A
// request left unanswered says why where the layers' logs do: the worker
// serving it was killed.
func (r Run) verdict(j *trace.Journey, s challenge.Summary) string {
	if s.Answered || s.Origin != "" || len(s.Layers) == 0 {
		return upperFirst(challenge.Verdict(s))
	}
	for _, pid := range workerPIDs(j) {
		for _, l := range r.Logs {
			if strings.Contains(l, fmt.Sprintf("WORKER TIMEOUT (pid:%d)", pid)) {
				return fmt.Sprintf("No answer: the master killed worker %d, which served it, as it ran past the worker timeout (WORKER TIMEOUT); the client's connection closed with it", pid)
			}
		}
	}
	last := s.Layers[len(s.Layers)-1]
	return fmt.Sprintf("No answer by the time of the export: %s was still waiting for the rest of the request", last)
}

// workerPIDs returns the processes other than the lab's that recorded a
// journey's events: the pre-fork workers that served it.
func workerPIDs(j *trace.Journey) []int {
	var out []int
	for _, e := range j.Events {
		if e.PID != 0 && e.PID != os.Getpid() && !slices.Contains(out, e.PID) {
			out = append(out, e.PID)
		}
	}
	return out
}

// standIn returns the talk's address for addr, where addr was a stand-in
// for it in this run: the layer that listened on addr has a talk's port,
// and it is not addr's.
func (r Run) standIn(addr string) (talk, layer string, ok bool) {
	host, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil {
		return "", "", false
	}
	layer = r.Ports[n]
	k, found := kinds.Lookup(layer)
	if !found || k.Port == 0 || k.Port == n {
		return "", "", false
	}
	return net.JoinHostPort(host, strconv.Itoa(k.Port)), layer, true
}

// standIns says which ports of the run stood in for the talk's, or "".
func (r Run) standIns() string {
	var says []string
	seen := map[string]bool{}
	for _, j := range r.Journeys {
		addr := FrontAddr(j)
		if talk, layer, ok := r.standIn(addr); ok && !seen[addr] {
			seen[addr] = true
			_, port, _ := net.SplitHostPort(talk)
			says = append(says, fmt.Sprintf("%s listened on %s, a stand-in for the talk's port %s", layer, addr, port))
		}
	}
	if len(says) == 0 {
		return ""
	}
	return "In this run " + strings.Join(says, "; ") + ": the run took a free port, as it does when the talk's is taken or for an export."
}

// Lesson runs every step of l for real, on free ports, and returns the
// journeys it made as a Run. progress, when not nil, is told each step as
// it starts, for a lesson takes seconds.
func Lesson(ctx context.Context, l *lessons.Lesson, version string, progress func(step runner.Output)) (Run, error) {
	run := Run{Title: fmt.Sprintf("Lesson %d: %s", l.Number, l.Title), Version: version}
	var mu sync.Mutex
	r, err := runner.New(l, runner.Options{Out: func(o runner.Output) {
		switch {
		case o.Kind == runner.OutJourney:
			mu.Lock()
			run.Journeys = append(run.Journeys, o.Journey)
			mu.Unlock()
		case o.Kind == runner.OutLog:
			mu.Lock()
			run.Logs = append(run.Logs, o.Layer+": "+o.Text)
			mu.Unlock()
		case o.Kind == runner.OutStep && progress != nil:
			progress(o)
		}
	}})
	if err != nil {
		return Run{}, err
	}
	if err := r.Run(ctx); err != nil {
		return Run{}, fmt.Errorf("lesson %d did not run to its end, nothing exported: %w", l.Number, err)
	}
	run.Ports = r.Ports()
	return run, nil
}

// FrontAddr returns the address the client connected to, as the front
// layer listened on it, or "" when the journey does not say.
func FrontAddr(j *trace.Journey) string {
	for _, e := range j.Events {
		if e.Kind == trace.KindOpen && e.Side == trace.Server {
			return e.Local
		}
	}
	return ""
}

// Markdown writes the run as a Markdown handout.
func Markdown(w io.Writer, r Run) error {
	ew := &errWriter{w: w}
	ew.printf("# %s\n\n", r.Title)
	ew.printf("Every request of this run, hop by hop, as the lab's wire tap saw it: `>` went down the stack, `<` came back up; CR and LF are spelled out as `\\r` and `\\n`. Exported by ngw2f-lab %s.\n", r.Version)
	if says := r.standIns(); says != "" {
		ew.printf("\n%s The bytes below show the stand-in, as it crossed the wire; the commands send to the talk's port, where `ngw2f-lab up` starts the lesson's stack.\n", says)
	}
	if len(r.Journeys) == 0 {
		ew.printf("\nNo request was made.\n")
	}
	for _, j := range r.Journeys {
		r.markdownJourney(ew, j)
	}
	return ew.err
}

func (r Run) markdownJourney(ew *errWriter, j *trace.Journey) {
	s := challenge.Summarize(j)
	ew.printf("\n## Journey %d: %s\n\n", j.ID, strings.Join(j.Layers(), " → "))
	if len(j.Events) > 0 {
		ew.printf("Started %s, took %s. %s.\n", j.Events[0].Time.Format("15:04:05.000"), transcripts.Took(j), r.verdict(j, s))
	}
	if len(s.Request) > 0 {
		if addr := FrontAddr(j); addr != "" {
			if talk, _, ok := r.standIn(addr); ok {
				addr = talk
			}
			c := CopyAsCurl(s.Request, addr)
			if c.Curl {
				ew.printf("\nSend the same bytes again:\n\n```sh\n%s\n```\n", c.Line)
			} else {
				ew.printf("\ncurl cannot send these bytes (%s); this does:\n\n```sh\n%s\n```\n", c.Why, c.Line)
			}
		}
	}
	for _, h := range j.Hops() {
		markdownHop(ew, h)
	}
	if logs := j.Logs(); len(logs) > 0 {
		ew.printf("\nLogged:\n\n```\n")
		for _, l := range logs {
			who := l.Layer
			if l.Name == "note" {
				who = transcripts.LogLabel(&l)
			}
			ew.printf("%s: %s\n", who, strings.TrimRight(string(l.Data), "\n"))
		}
		ew.printf("```\n")
	}
}

func markdownHop(ew *errWriter, h trace.Hop) {
	arrow, mark := "→", ">"
	if h.Dir == trace.Up {
		arrow, mark = "←", "<"
	}
	head := fmt.Sprintf("\n### %d. %s %s %s", h.N, h.From, arrow, h.To)
	switch h.Kind {
	case trace.KindBytes:
		data := h.Data()
		ew.printf("%s · %d bytes\n\n```\n", head, h.Size())
		for _, line := range visible.Lines(data) {
			ew.printf("%s %s\n", mark, visible.Bytes(line))
		}
		if n := h.Omitted(); n > 0 {
			ew.printf("%s ... %s\n", mark, transcripts.NotKept(n))
		}
		ew.printf("```\n")
	case trace.KindHandoff:
		ew.printf("%s · %s\n\n", head, h.Name)
		if fields := h.Events[0].Fields; len(fields) > 0 {
			ew.printf("| key | value |\n|---|---|\n")
			for _, f := range fields {
				ew.printf("| `%s` | `%s` |\n", f.Key, strings.ReplaceAll(visible.Bytes([]byte(f.Value)), "|", `\|`))
			}
		}
	case trace.KindClose, trace.KindEOF, trace.KindError:
		ew.printf("%s · %s\n", head, transcripts.ConnEnd(h))
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
