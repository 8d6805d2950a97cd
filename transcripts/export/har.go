package export

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ngw2f/ngw2f-lab/lessons/challenge"
	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// The HAR 1.2 objects the lab writes, every field the specification
// requires included (http://www.softwareishard.com/blog/har-12-spec/).
type (
	harFile struct {
		Log harLog `json:"log"`
	}
	harLog struct {
		Version string     `json:"version"`
		Creator harCreator `json:"creator"`
		Pages   []harPage  `json:"pages"`
		Entries []harEntry `json:"entries"`
		Comment string     `json:"comment,omitempty"`
	}
	harCreator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	harPage struct {
		StartedDateTime string         `json:"startedDateTime"`
		ID              string         `json:"id"`
		Title           string         `json:"title"`
		PageTimings     map[string]int `json:"pageTimings"`
	}
	harEntry struct {
		Pageref         string      `json:"pageref"`
		StartedDateTime string      `json:"startedDateTime"`
		Time            float64     `json:"time"`
		Request         harRequest  `json:"request"`
		Response        harResponse `json:"response"`
		Cache           struct{}    `json:"cache"`
		Timings         harTimings  `json:"timings"`
		ServerIPAddress string      `json:"serverIPAddress,omitempty"`
		Connection      string      `json:"connection,omitempty"`
		Comment         string      `json:"comment,omitempty"`
	}
	harRequest struct {
		Method      string    `json:"method"`
		URL         string    `json:"url"`
		HTTPVersion string    `json:"httpVersion"`
		Cookies     []harPair `json:"cookies"`
		Headers     []harPair `json:"headers"`
		QueryString []harPair `json:"queryString"`
		PostData    *harPost  `json:"postData,omitempty"`
		HeadersSize int       `json:"headersSize"`
		BodySize    int       `json:"bodySize"`
	}
	harResponse struct {
		Status      int        `json:"status"`
		StatusText  string     `json:"statusText"`
		HTTPVersion string     `json:"httpVersion"`
		Cookies     []harPair  `json:"cookies"`
		Headers     []harPair  `json:"headers"`
		Content     harContent `json:"content"`
		RedirectURL string     `json:"redirectURL"`
		HeadersSize int        `json:"headersSize"`
		BodySize    int        `json:"bodySize"`
	}
	harPair struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	harPost struct {
		MimeType string    `json:"mimeType"`
		Params   []harPair `json:"params"`
		Text     string    `json:"text"`
	}
	harContent struct {
		Size     int    `json:"size"`
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Encoding string `json:"encoding,omitempty"`
	}
	harTimings struct {
		Blocked float64 `json:"blocked"`
		DNS     float64 `json:"dns"`
		Connect float64 `json:"connect"`
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
		Receive float64 `json:"receive"`
		SSL     float64 `json:"ssl"`
	}
)

// HAR writes the run as a HAR 1.2 file: one page for the run, one entry
// for each journey whose client request HTTP can read. Requests it cannot
// read (a drill's garbage) are left out, and the log's comment counts them.
func HAR(w io.Writer, r Run) error {
	log := harLog{Version: "1.2", Creator: harCreator{Name: "ngw2f-lab", Version: r.Version}, Entries: []harEntry{}}
	started := time.Now()
	if len(r.Journeys) > 0 && len(r.Journeys[0].Events) > 0 {
		started = r.Journeys[0].Events[0].Time
	}
	log.Pages = []harPage{{StartedDateTime: harTime(started), ID: "run", Title: r.Title, PageTimings: map[string]int{"onContentLoad": -1, "onLoad": -1}}}
	skipped := 0
	for _, j := range r.Journeys {
		e, ok := r.harEntryOf(j)
		if !ok {
			skipped++
			continue
		}
		log.Entries = append(log.Entries, e)
	}
	var notes []string
	if skipped > 0 {
		notes = append(notes, fmt.Sprintf("%d request(s) HTTP cannot read were left out; the Markdown export shows them", skipped))
	}
	if says := r.standIns(); says != "" {
		notes = append(notes, says+" The URLs show the stand-in, as the client sent it.")
	}
	log.Comment = strings.Join(notes, " ")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(harFile{Log: log})
}

func harTime(t time.Time) string { return t.Format("2006-01-02T15:04:05.000Z07:00") }

// harEntryOf makes the entry of one journey, or reports that its request
// cannot be read.
func (r Run) harEntryOf(j *trace.Journey) (harEntry, bool) {
	s := challenge.Summarize(j)
	req, err := http1.NewReader(bytes.NewReader(s.Request), http1.NginxLimits()).ReadRequest()
	if err != nil || len(j.Events) == 0 {
		return harEntry{}, false
	}
	reqBody, _ := io.ReadAll(req.Body)
	host := req.Headers.Get("Host")
	if host == "" {
		host = FrontAddr(j)
	}
	u := "http://" + host + req.Target
	e := harEntry{
		Pageref: "run", StartedDateTime: harTime(j.Events[0].Time),
		Request: harRequest{
			Method: req.Method, URL: u, HTTPVersion: protoName(req.Proto),
			Cookies: []harPair{}, Headers: pairs(req.Headers), QueryString: query(req.Target),
			HeadersSize: req.HeadSize, BodySize: len(reqBody),
		},
		Response: harResponseOf(s),
		Comment:  r.verdict(j, s),
	}
	if len(reqBody) > 0 {
		e.Request.PostData = &harPost{MimeType: req.Headers.Get("Content-Type"), Params: []harPair{}, Text: string(reqBody)}
	}
	if addr := FrontAddr(j); addr != "" {
		host, port := splitHostPort(addr)
		e.ServerIPAddress, e.Connection = host, port
	}
	e.Timings = timings(j)
	e.Time = e.Timings.Send + e.Timings.Wait + e.Timings.Receive
	return e, true
}

func harResponseOf(s challenge.Summary) harResponse {
	out := harResponse{Cookies: []harPair{}, Headers: []harPair{}, HTTPVersion: "HTTP/0.9",
		Content: content(s.Answer, "x-unknown"), BodySize: len(s.Answer)}
	method, _ := http1.RequestMethod(s.Request)
	resp, err := http1.NewReader(bytes.NewReader(s.Answer), http1.NginxLimits()).ReadResponse(method)
	if err != nil {
		return out // no status line: an HTTP/0.9 answer, or none at all
	}
	body, _ := io.ReadAll(resp.Body)
	out.Status, out.StatusText, out.HTTPVersion = resp.Status, resp.Reason, resp.Proto
	out.Headers, out.HeadersSize, out.BodySize = pairs(resp.Headers), resp.HeadSize, len(body)
	out.Content = content(body, resp.Headers.Get("Content-Type"))
	out.RedirectURL = resp.Headers.Get("Location")
	return out
}

// content is a body as HAR keeps it: as text, or in base64 when it is not
// UTF-8.
func content(body []byte, mime string) harContent {
	c := harContent{Size: len(body), MimeType: mime, Text: string(body)}
	if !utf8.Valid(body) {
		c.Text, c.Encoding = base64.StdEncoding.EncodeToString(body), "base64"
	}
	return c
}

func pairs(h http1.Headers) []harPair {
	out := []harPair{}
	for _, x := range h {
		out = append(out, harPair{Name: x.Name, Value: x.Value})
	}
	return out
}

func query(target string) []harPair {
	out := []harPair{}
	_, q, ok := strings.Cut(target, "?")
	if !ok {
		return out
	}
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		out = append(out, harPair{Name: k, Value: v})
	}
	return out
}

// timings reads the client side's times from the journey: sending runs
// from the first request byte the front layer read to the last, waiting
// until the first answer byte, receiving until the last. What happened
// before the request (DNS, connecting) is not seen by a tap: -1.
func timings(j *trace.Journey) harTimings {
	var firstDown, lastDown, firstUp, lastUp time.Time
	for _, e := range j.Events {
		if e.Kind != trace.KindBytes || e.From != trace.ClientName || e.Layer != e.To {
			continue
		}
		if e.Dir == trace.Down {
			if firstDown.IsZero() {
				firstDown = e.Time
			}
			lastDown = e.Time
		} else {
			if firstUp.IsZero() {
				firstUp = e.Time
			}
			lastUp = e.Time
		}
	}
	t := harTimings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1}
	t.Send = ms(lastDown.Sub(firstDown))
	if !firstUp.IsZero() {
		t.Wait = ms(firstUp.Sub(lastDown))
		t.Receive = ms(lastUp.Sub(firstUp))
	}
	return t
}

func ms(d time.Duration) float64 {
	if d < 0 {
		return 0
	}
	return float64(d.Microseconds()) / 1000
}
