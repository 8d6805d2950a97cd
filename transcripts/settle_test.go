package transcripts

import (
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

func TestSettled(t *testing.T) {
	t.Parallel()
	lab, worker := trace.ConnID{PID: 1, N: 1}, trace.ConnID{PID: 2, N: 1}
	ev := map[string]trace.Event{
		"request":      {PID: 1, Conn: lab, Kind: trace.KindBytes, Dir: trace.Down, Name: "request"},
		"upstream":     {PID: 2, Conn: worker, Kind: trace.KindBytes, Dir: trace.Down, Name: "upstream"},
		"answer":       {PID: 2, Conn: worker, Kind: trace.KindBytes, Dir: trace.Up, Name: "answer"},
		"post_request": {PID: 2, Conn: worker, Kind: trace.KindLog, Name: "post_request"},
		"close":        {PID: 2, Conn: worker, Kind: trace.KindClose, Name: "close"},
		"passed":       {PID: 1, Conn: lab, Kind: trace.KindBytes, Dir: trace.Up, Name: "passed"},
		"log":          {PID: 1, Conn: lab, Kind: trace.KindLog, Name: "log"},
		"front_close":  {PID: 1, Conn: lab, Kind: trace.KindClose, Name: "front_close"},
		"request_down": {PID: 2, Conn: worker, Kind: trace.KindBytes, Dir: trace.Down, Name: "request_down"},
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"in place already",
			"request upstream answer post_request close passed log front_close",
			"request upstream answer post_request close passed log front_close"},
		{"the front passed the answer on first",
			"request upstream answer passed log front_close post_request close",
			"request upstream answer post_request close passed log front_close"},
		{"a close before any answer stays",
			"request request_down passed close",
			"request request_down passed close"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := &trace.Journey{}
			for _, name := range strings.Fields(tc.in) {
				j.Events = append(j.Events, ev[name])
			}
			var got []string
			for _, e := range settled(j).Events {
				got = append(got, e.Name)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("got  %s\nwant %s", strings.Join(got, " "), tc.want)
			}
		})
	}
}
