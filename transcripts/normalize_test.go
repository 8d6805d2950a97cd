package transcripts

import (
	"regexp"
	"strconv"
	"strings"
)

// Normalizer replaces what changes from run to run (dates, ports, PIDs,
// durations, ETags, the proxy's temporary directory) with stable
// placeholders, so that two runs of a lesson give the same text.
type Normalizer struct {
	ports map[string]string // port number -> placeholder
}

// NewNormalizer returns a Normalizer. ports names the ports of the run's
// layers ("41234" -> "rawsock"); any other port becomes <port>.
func NewNormalizer(ports map[int]string) *Normalizer {
	n := &Normalizer{ports: map[string]string{}}
	for p, name := range ports {
		n.ports[strconv.Itoa(p)] = "<" + name + "-port>"
	}
	return n
}

var (
	httpDate = regexp.MustCompile(`(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT`)
	logDate  = regexp.MustCompile(`\d{2}/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}`)
	errDate  = regexp.MustCompile(`\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}`)
	// Werkzeug's development server logs "[23/Nov/2026 10:09:09]", Flask's
	// logger "[2026-11-23 10:09:09,123]".
	devDate   = regexp.MustCompile(`\[\d{2}/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4} \d{2}:\d{2}:\d{2}\]`)
	flaskDate = regexp.MustCompile(`\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\]`)
	etag      = regexp.MustCompile(`ETag: "[0-9a-f]+-[0-9a-f]+"`)
	pid       = regexp.MustCompile(`\bpid(:| |: )\d+`)
	listenPID = regexp.MustCompile(`(Listening at: \S+) \(\d+\)`)
	killCmd   = regexp.MustCompile(`\b(kill -[A-Z0-9]+) \d+`)
	duration  = regexp.MustCompile(`\((\d+h)?(\d+m)?\d+(\.\d+)?(ns|µs|us|ms|s|m|h)\)`)
	hostPort  = regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0):(\d+)\b`)
	telnetCmd = regexp.MustCompile(`(telnet localhost) (\d+)\b`)
	portKey   = regexp.MustCompile(`\b((?:REMOTE|SERVER)_PORT(?: ?= ?|  [0-9a-f]{2} 00 ))(\d+)\b`)
	logPID    = regexp.MustCompile(`\[(debug|info|notice|warn|error|crit|alert|emerg)\] \d+#\d+:`)
	tempDir   = regexp.MustCompile(`(/[^\s"]*|[A-Za-z]:\\[^"\n]*?)ngw2f-lab-proxy-\d+(-\d+)?`) // Unix's, or Windows' C:\Users\Ann Lee\...\Temp\ngw2f-lab-proxy-PID-1
	measured  = regexp.MustCompile(`\b(median|within|after) \d+(\.\d+)?(ns|µs|ms|s)\b`)
	times     = regexp.MustCompile(`\btakes \d+ times as long\b`)
	share     = regexp.MustCompile(`\b\d+ \(\d+%\)`)
	waiting   = regexp.MustCompile(`\b\d+ (of the \d+ slow clients were still waiting)\b`)
)

// Normalize returns text with its changing parts replaced.
func (n *Normalizer) Normalize(text string) string {
	text = httpDate.ReplaceAllString(text, "<date>")
	text = logDate.ReplaceAllString(text, "<date>")
	text = errDate.ReplaceAllString(text, "<date>")
	text = devDate.ReplaceAllString(text, "[<date>]")
	text = flaskDate.ReplaceAllString(text, "[<date>]")
	text = etag.ReplaceAllString(text, `ETag: "<etag>"`)
	text = pid.ReplaceAllString(text, "pid$1<pid>")
	text = listenPID.ReplaceAllString(text, "$1 (<pid>)")
	text = killCmd.ReplaceAllString(text, "$1 <pid>")
	text = logPID.ReplaceAllString(text, "[$1] <pid>#<pid>:")
	text = tempDir.ReplaceAllString(text, "<prefix>")
	text = duration.ReplaceAllString(text, "(<duration>)")
	text = measured.ReplaceAllString(text, "$1 <duration>")
	text = times.ReplaceAllString(text, "takes <n> times as long")
	text = share.ReplaceAllString(text, "<n> (<share>)")
	text = waiting.ReplaceAllString(text, "<n> $1")
	text = n.replacePorts(hostPort, text)
	text = n.replacePorts(portKey, text)
	return n.replacePorts(telnetCmd, text)
}

// replacePorts replaces the port, the second group of re, in every match.
func (n *Normalizer) replacePorts(re *regexp.Regexp, text string) string {
	return re.ReplaceAllStringFunc(text, func(m string) string {
		sub := re.FindStringSubmatch(m)
		return strings.TrimSuffix(m, sub[2]) + n.port(sub[2])
	})
}

// port names a port: the layer that listened on it, or <port> for
// another one the system chose. A port below 10000 that no layer listened
// on is an address from a configuration, such as the talk's
// 127.0.0.1:8000 in the proxy's logs, and stays.
func (n *Normalizer) port(p string) string {
	if name, ok := n.ports[p]; ok {
		return name
	}
	if num, err := strconv.Atoi(p); err == nil && num < 10000 {
		return p
	}
	return "<port>"
}
