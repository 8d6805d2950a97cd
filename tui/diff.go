package tui

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/visible"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// diffLines shows what hop i changed compared with the previous hop that
// went the same way: the first line rewritten, each header added, removed
// or rewritten (matched by name, whatever its case), and the body. Marks
// say it without colour: + added, - removed, ~ rewritten.
func diffLines(st *common.Styles, hops []trace.Hop, i, w int) []string {
	p := previousSameWay(hops, i)
	if p < 0 {
		return append([]string{st.Info.Render("The first hop this way: nothing earlier to compare with. Showing its bytes.")},
			byteLines(st, hops[i].Data(), hops[i].Dir, w)...)
	}
	if pk, body, ok := packetOf(hops[i].Data()); ok {
		return packetDiff(st, hops[p], pk, body)
	}
	prev, cur := splitHead(hops[p].Data()), splitHead(hops[i].Data())
	out := []string{st.Info.Render(fmt.Sprintf("Compared with hop %d (%s → %s): + added, - removed, ~ rewritten.",
		hops[p].N, hops[p].From, hops[p].To))}
	vis := func(s string) string { return visible.Bytes([]byte(s)) }
	if prev.first == cur.first {
		out = append(out, "  "+vis(cur.first))
	} else {
		out = append(out, st.Changed.Render("~ "+vis(cur.first)), st.Removed.Render("    was: "+vis(prev.first)))
	}
	for _, h := range cur.headers {
		old, ok := findHeader(prev.headers, h.name)
		switch {
		case !ok:
			out = append(out, st.Added.Render("+ "+vis(h.raw)))
		case old.raw == h.raw:
			out = append(out, "  "+vis(h.raw))
		default:
			out = append(out, st.Changed.Render("~ "+vis(h.raw)), st.Removed.Render("    was: "+vis(old.raw)))
		}
	}
	for _, h := range prev.headers {
		if _, ok := findHeader(cur.headers, h.name); !ok {
			out = append(out, st.Removed.Render("- "+vis(h.raw)))
		}
	}
	switch {
	case bytes.Equal(prev.body, cur.body) && len(cur.body) > 0:
		out = append(out, st.Muted.Render(fmt.Sprintf("  the body: the same %d bytes", len(cur.body))))
	case !bytes.Equal(prev.body, cur.body):
		out = append(out, st.Changed.Render(fmt.Sprintf("~ the body: %d bytes, was %d", len(cur.body), len(prev.body))))
	}
	return out
}

// findHeader finds a header by name, whatever its case.
func findHeader(hs []headerLine, name string) (headerLine, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.name, name) {
			return h, true
		}
	}
	return headerLine{}, false
}
