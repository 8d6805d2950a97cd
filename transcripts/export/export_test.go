package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/lessons"
)

// lessonRun runs lesson 1 for real and returns its journeys.
func lessonRun(t *testing.T) Run {
	t.Helper()
	l, err := lessons.Get(1)
	if err != nil {
		t.Fatal(err)
	}
	run, err := Lesson(context.Background(), l, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// harRequired is every field HAR 1.2 requires, by object.
var harRequired = map[string][]string{
	"log":      {"version", "creator", "entries"},
	"creator":  {"name", "version"},
	"page":     {"startedDateTime", "id", "title", "pageTimings"},
	"entry":    {"startedDateTime", "time", "request", "response", "cache", "timings"},
	"request":  {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"},
	"response": {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"},
	"content":  {"size", "mimeType"},
	"timings":  {"send", "wait", "receive"},
	"pair":     {"name", "value"},
	"postData": {"mimeType", "params", "text"},
}

func requireFields(t *testing.T, what string, v any) map[string]any {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", what, v)
	}
	for _, f := range harRequired[what] {
		if _, ok := obj[f]; !ok {
			t.Errorf("%s lacks the required field %q", what, f)
		}
	}
	return obj
}

func TestHARHasEveryRequiredField(t *testing.T) {
	run := lessonRun(t)
	var buf bytes.Buffer
	if err := HAR(&buf, run); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	log := requireFields(t, "log", doc["log"])
	if log["version"] != "1.2" {
		t.Errorf("version %v", log["version"])
	}
	requireFields(t, "creator", log["creator"])
	for _, p := range log["pages"].([]any) {
		requireFields(t, "page", p)
	}
	entries := log["entries"].([]any)
	if len(entries) < 5 {
		t.Fatalf("%d entries for lesson 1's requests", len(entries))
	}
	for _, e := range entries {
		entry := requireFields(t, "entry", e)
		req := requireFields(t, "request", entry["request"])
		resp := requireFields(t, "response", entry["response"])
		requireFields(t, "content", resp["content"])
		tm := requireFields(t, "timings", entry["timings"])
		for _, key := range []string{"headers", "cookies", "queryString"} {
			for _, p := range req[key].([]any) {
				requireFields(t, "pair", p)
			}
		}
		for _, p := range resp["headers"].([]any) {
			requireFields(t, "pair", p)
		}
		if pd, ok := req["postData"]; ok {
			requireFields(t, "postData", pd)
		}
		sum := 0.0
		for _, k := range []string{"blocked", "dns", "connect", "send", "wait", "receive", "ssl"} {
			if v, ok := tm[k].(float64); ok && v >= 0 {
				sum += v
			}
		}
		if d := sum - entry["time"].(float64); d > 0.01 || d < -0.01 {
			t.Errorf("entry time %v is not the sum of its timings %v", entry["time"], sum)
		}
		if _, err := timeParse(entry["startedDateTime"].(string)); err != nil {
			t.Errorf("startedDateTime: %v", err)
		}
	}
	first := entries[0].(map[string]any)
	if r := first["response"].(map[string]any); r["status"].(float64) != 200 || !strings.Contains(r["content"].(map[string]any)["text"].(string), "raw socket") {
		t.Errorf("first response %v", r)
	}
}

func TestMarkdownShowsEveryHop(t *testing.T) {
	run := lessonRun(t)
	var buf bytes.Buffer
	if err := Markdown(&buf, run); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"# Lesson 1: HTTP is text",
		"### 1. client → rawsock · 16 bytes\n\n```\n> GET / HTTP/1.0\\r\\n\n```",
		"< HTTP/1.1 200 OK\\n",
		"curl --path-as-is --http1.0 -H 'Host:' -H 'User-Agent:' -H 'Accept:' 'http://127.0.0.1:",
		"curl cannot send these bytes (curl ends every line with CR LF; this request has a bare LF); this does:",
		"Nobody refused it: rawsock answered 200 OK",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
	if strings.Count(md, "\n## Journey ") != len(run.Journeys) {
		t.Errorf("%d journeys in the Markdown, want %d", strings.Count(md, "\n## Journey "), len(run.Journeys))
	}
}

func timeParse(s string) (any, error) { return time.Parse(time.RFC3339Nano, s) }

// TestExportSaysWhichPortsStoodIn: a run on free ports (an export's, or
// the TUI's where the talk's port was taken) gives commands for the
// talk's port, where ngw2f-lab up listens, and says which port stood in
// for it: the one in the bytes is gone once the run is over.
func TestExportSaysWhichPortsStoodIn(t *testing.T) {
	run := lessonRun(t)
	var standIn string
	for port, layer := range run.Ports {
		if layer == "rawsock" {
			standIn = fmt.Sprintf("127.0.0.1:%d", port)
		}
	}
	if standIn == "" || standIn == "127.0.0.1:8000" {
		t.Skipf("rawsock ran on %q: no stand-in to speak of", standIn)
	}
	var md, har bytes.Buffer
	if err := Markdown(&md, run); err != nil {
		t.Fatal(err)
	}
	if err := HAR(&har, run); err != nil {
		t.Fatal(err)
	}
	says := "rawsock listened on " + standIn + ", a stand-in for the talk's port 8000"
	for name, out := range map[string]string{"Markdown": md.String(), "HAR": har.String()} {
		if !strings.Contains(out, says) {
			t.Errorf("the %s export does not say %q", name, says)
		}
	}
	if !strings.Contains(md.String(), "nc 127.0.0.1 8000") && !strings.Contains(md.String(), "http://127.0.0.1:8000/") {
		t.Errorf("the Markdown's commands do not send to the talk's port:\n%s", md.String())
	}
	if strings.Contains(md.String(), "nc 127.0.0.1 "+strings.TrimPrefix(standIn, "127.0.0.1:")) || strings.Contains(md.String(), "http://"+standIn) {
		t.Errorf("a command sends to the stand-in %s", standIn)
	}
}

// TestUnansweredJourneysInAnExport: an export is made once the run is
// over, so a request left without an answer is not "yet" to be answered;
// and one whose worker the master killed (WORKER TIMEOUT) says so.
func TestUnansweredJourneysInAnExport(t *testing.T) {
	l, err := lessons.Get(3)
	if err != nil {
		t.Fatal(err)
	}
	run, err := Lesson(context.Background(), l, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := Markdown(&md, run); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	if strings.Contains(out, "No answer yet") {
		t.Error("the export says a request has no answer yet, after the run")
	}
	for _, want := range []string{"No answer by the time of the export: prefork was still waiting", "(WORKER TIMEOUT); the client's connection closed with it"} {
		if !strings.Contains(out, want) {
			t.Errorf("the export lacks %q", want)
		}
	}
}
