package tui

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ngw2f/ngw2f-lab/lessons/glossary"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
	"github.com/ngw2f/ngw2f-lab/stack/visible"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// A hop between nginx's uwsgi_pass and its app server carries a binary
// uwsgi packet, not HTTP: its request line and headers arrive as
// CGI-style variables (REQUEST_METHOD, HTTP_ACCEPT_LANGUAGE), which the
// explain and diff views read as such, as "explain packet" does.

// packetOf returns a hop's uwsgi packet and the body after it; ok is
// false when the bytes are no uwsgi request packet.
func packetOf(data []byte) (p *uwsgi.Packet, body []byte, ok bool) {
	if _, body, ok = uwsgi.Dump(data); !ok {
		return nil, nil, false
	}
	p, err := uwsgi.Read(bytes.NewReader(data))
	return p, body, err == nil
}

// packetTerms lists a uwsgi packet's variables as environ keys.
func packetTerms(p *uwsgi.Packet) []term {
	out := make([]term, len(p.Vars))
	for i, v := range p.Vars {
		out[i] = term{kind: glossary.Environ, name: v.Key, value: v.Value}
	}
	return out
}

// envKey is the variable a request header becomes in a uwsgi packet, as
// in an environ: HTTP_ and its name in capitals with dashes as
// underscores, but CONTENT_TYPE and CONTENT_LENGTH.
func envKey(header string) string {
	k := strings.ToUpper(strings.ReplaceAll(header, "-", "_"))
	if k == "CONTENT_TYPE" || k == "CONTENT_LENGTH" {
		return k
	}
	return "HTTP_" + k
}

// packetDiff says what a hop's uwsgi packet made of the HTTP request of
// hop prev: each header carried as its variable (~ when the value
// changed), - for a header the packet does not carry, + for each
// variable no header stands for (the request line's parts, the
// server's), and the body.
func packetDiff(st *common.Styles, prev trace.Hop, p *uwsgi.Packet, body []byte) []string {
	vis := func(s string) string { return visible.Bytes([]byte(s)) }
	hd := splitHead(prev.Data())
	out := []string{st.Info.Render(fmt.Sprintf("Compared with hop %d (%s → %s): the HTTP request became a uwsgi packet of %d variables; + added, - removed, ~ rewritten.",
		prev.N, prev.From, prev.To, len(p.Vars)))}
	fromHeader := map[string]bool{}
	for _, h := range hd.headers {
		k := envKey(h.name)
		v, ok := p.Get(k)
		switch {
		case !ok:
			out = append(out, st.Removed.Render("- "+vis(h.raw)))
		case v == h.value:
			out = append(out, "  "+vis(h.raw)+"  as "+k)
		default:
			out = append(out, st.Changed.Render("~ "+k+" = "+vis(v)), st.Removed.Render("    was: "+vis(h.raw)))
		}
		fromHeader[k] = true
	}
	for _, v := range p.Vars {
		if !fromHeader[v.Key] {
			out = append(out, st.Added.Render("+ "+v.Key+" = "+vis(v.Value)))
		}
	}
	switch {
	case bytes.Equal(hd.body, body) && len(body) > 0:
		out = append(out, st.Muted.Render(fmt.Sprintf("  the body: the same %d bytes, after the packet", len(body))))
	case !bytes.Equal(hd.body, body):
		out = append(out, st.Changed.Render(fmt.Sprintf("~ the body: %d bytes, was %d", len(body), len(hd.body))))
	}
	return out
}
