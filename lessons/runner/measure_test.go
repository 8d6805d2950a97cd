package runner

import (
	"strings"
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
