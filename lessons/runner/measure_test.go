package runner

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMeasuredTable(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name string
		in   []measurement
		want string // the table's last line
	}{
		{"one layer", []measurement{{layer: "prefork", target: "/", n: 10, median: ms, p90: 2 * ms}},
			"  prefork  /                median 1ms, 90% within 2ms"},
		{"two layers", []measurement{
			{layer: "cgi", target: "/cgi-bin/hello", n: 10, median: 100 * ms, p90: 120 * ms},
			{layer: "prefork", target: "/", n: 10, median: ms, p90: ms}},
			"  cgi takes 100 times as long as prefork, by the medians"},
		{"one layer with and without slow clients", []measurement{
			{layer: "prefork", target: "/", n: 1, median: ms, p90: ms},
			{layer: "prefork", target: "/", n: 1, slow: 6, median: 1700 * ms, p90: 1700 * ms}},
			"  prefork with 6 slow clients takes 1700 times as long as prefork, by the medians"},
		{"failures said", []measurement{{layer: "proxy", target: "/", n: 10, failed: 2, median: ms, p90: ms}},
			"  proxy    /                median 1ms, 90% within 1ms, 2 of 10 failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lines := measuredTable(tt.in)
			if got := lines[len(lines)-1]; got != tt.want {
				t.Errorf("last line\n got %q\nwant %q", got, tt.want)
			}
			if !strings.HasPrefix(lines[0], "time per request") {
				t.Errorf("first line %q", lines[0])
			}
		})
	}
}

func TestMeasureAtMost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		atMost  int
		wantOut string
	}{
		{"as the lesson says", 0, "sent rawsock 3 requests for /, one after another, each on a new connection"},
		{"capped", 2, "sent rawsock 2 requests for /, one after another (of the lesson's 3: the runner caps a measurement at 2), each on a new connection"},
		{"a cap above the lesson's count", 5, "sent rawsock 3 requests for /, one after another, each on a new connection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var infos []string
			l := lessonWith(t, "start rawsock\nmeasure rawsock 3 /\n")
			r, err := New(l, Options{MeasureAtMost: tt.atMost, Out: func(o Output) {
				if o.Kind == OutInfo {
					mu.Lock()
					infos = append(infos, o.Text)
					mu.Unlock()
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if err := r.RunStep(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Contains(infos, tt.wantOut) {
				t.Errorf("no line %q in\n%s", tt.wantOut, strings.Join(infos, "\n"))
			}
		})
	}
}
