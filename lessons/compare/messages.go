package compare

import (
	"bytes"
	"encoding/binary"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
)

// message is an HTTP message, or a uwsgi packet, as compare reads it.
type message struct {
	first   string // the request or status line; "uwsgi packet" for a packet
	headers http1.Headers
	body    []byte
}

// readMessage reads data as a request (down) or an answer to method
// (up); ok is false when it is neither.
func readMessage(data []byte, dir trace.Dir, method string) (message, bool) {
	r := http1.NewReader(bytes.NewReader(data), http1.Limits{UnderscoresInHeaders: true})
	if dir == trace.Down {
		if len(data) >= uwsgi.HeaderSize && data[0] == 0 {
			p, err := uwsgi.Read(bytes.NewReader(data))
			if err != nil {
				return message{}, false
			}
			size := int(binary.LittleEndian.Uint16(data[1:3]))
			m := message{first: "uwsgi packet", body: data[min(len(data), uwsgi.HeaderSize+size):]}
			for _, v := range p.Vars {
				m.headers = append(m.headers, http1.Header{Name: v.Key, Value: v.Value})
			}
			return m, true
		}
		req, err := r.ReadRequest()
		if err != nil {
			return message{}, false
		}
		body, _ := io.ReadAll(req.Body)
		return message{first: req.Method + " " + req.Target + " " + req.Proto, headers: req.Headers, body: body}, true
	}
	resp, err := r.ReadResponse(method)
	if err != nil {
		return message{}, false
	}
	body, _ := io.ReadAll(resp.Body)
	first := resp.Proto + " " + strconv.Itoa(resp.Status) + " " + resp.Reason
	return message{first: first, headers: resp.Headers, body: body}, true
}

// compareBytes compares what crossed one way on the same hop.
func compareBytes(n *notes, lab, realB []byte, dir trace.Dir, method string) {
	if bytes.Equal(lab, realB) {
		return
	}
	l, lok := readMessage(lab, dir, method)
	r, rok := readMessage(realB, dir, method)
	if !lok || !rok {
		compareBody(n, lab, realB, "", "")
		return
	}
	if l.first != r.first {
		n.differ("first line: the lab's %q, the real %q", l.first, r.first)
	}
	ln, rn := names(l.headers), names(r.headers)
	if strings.Join(ln, "\x00") != strings.Join(rn, "\x00") {
		n.differ("header names, in order and case: the lab's %s; the real %s", strings.Join(ln, ", "), strings.Join(rn, ", "))
	}
	lserver, rserver := l.headers.Get("Server"), r.headers.Get("Server")
	bodiesAlike := compareBody(n, l.body, r.body, lserver, rserver)
	for i := range min(len(l.headers), len(r.headers)) {
		lh, rh := l.headers[i], r.headers[i]
		if lh.Name != rh.Name || lh.Value == rh.Value {
			continue
		}
		if lengthFollowsBody(lh.Name, bodiesAlike) {
			n.add("Content-Length, which counts the Server token in the body")
			continue
		}
		compareValue(n, lh.Name, lh.Value, rh.Value)
	}
}

func names(h http1.Headers) []string {
	out := make([]string, len(h))
	for i, f := range h {
		out[i] = f.Name
	}
	return out
}

// lengthFollowsBody reports whether name is Content-Length and the
// bodies differ only by what was normalised in them.
func lengthFollowsBody(name string, bodiesAlike bool) bool {
	return strings.EqualFold(name, "Content-Length") && bodiesAlike
}

// compareFields compares two lists of fields: an environ, or
// start_response's status and headers.
func compareFields(n *notes, lab, realF []trace.Field) {
	lk, rk := keys(lab), keys(realF)
	if strings.Join(lk, "\x00") != strings.Join(rk, "\x00") {
		n.differ("keys, in order: the lab's %s; the real %s", strings.Join(lk, ", "), strings.Join(rk, ", "))
	}
	real := map[string]string{}
	for _, f := range realF {
		real[f.Key] = f.Value
	}
	for _, f := range lab {
		if v, ok := real[f.Key]; ok && v != f.Value {
			compareValue(n, f.Key, f.Value, v)
		}
	}
}

func keys(fs []trace.Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Key
	}
	return out
}

// compareBody compares two bodies, normalising ports, and each side's
// Server product token where the body names it (nginx's error pages).
// It reports whether they are alike.
func compareBody(n *notes, lab, realB []byte, lserver, rserver string) bool {
	if bytes.Equal(lab, realB) {
		return true
	}
	l, r := string(lab), string(realB)
	if lserver != "" && rserver != "" && strings.Contains(l, lserver) && strings.Contains(r, rserver) {
		l, r = strings.ReplaceAll(l, lserver, "<server>"), strings.ReplaceAll(r, rserver, "<server>")
		if l == r {
			n.add("Server's product token in the body")
			return true
		}
	}
	if lp, rp := ports().ReplaceAllString(l, "${1}<port>"), ports().ReplaceAllString(r, "${1}<port>"); lp == rp {
		n.add("ports")
		return true
	}
	n.differ("the body")
	return false
}

// ports matches a port after a loopback address or localhost. It and
// object are compiled when first used, not by every process that links
// the lessons.
var ports = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`((?:127\.0\.0\.1|localhost|\[::1\]):)\d+`)
})

// object matches how an environ shows an object: <WSGIErrorsWrapper>,
// <socket 127.0.0.1:8000>.
var object = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^<[^<>]*>$`) })

// compareValue compares one header's or environ key's values, after the
// normalising that key takes.
func compareValue(n *notes, key, lab, realV string) {
	switch k := strings.ToLower(key); {
	case k == "date" || k == "last-modified" || k == "expires":
		n.add(key)
	case k == "etag":
		n.add("ETag")
	case k == "server" || k == "server_software":
		n.add("Server's product token")
	case k == "server_port" || k == "remote_port":
		n.add("ports")
	case object().MatchString(lab) && object().MatchString(realV):
		n.add("objects, shown by their types")
	case ports().ReplaceAllString(lab, "${1}<port>") == ports().ReplaceAllString(realV, "${1}<port>"):
		n.add("ports")
	default:
		n.differ("%s: the lab's %q, the real %q", key, lab, realV)
	}
}
