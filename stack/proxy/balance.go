package proxy

import (
	"sync"
	"time"
)

// balancer picks the servers of one upstream for requests, as nginx's
// round-robin module does (smooth weighted round-robin), or least_conn's:
// the fewest active connections for their weight. A server that failed
// max_fails times within fail_timeout is left out until fail_timeout has
// passed.
type balancer struct {
	u      *upstreamConf
	mu     sync.Mutex
	peers  []*peer
	backup []*peer
}

// peer is a server of an upstream and what the balancer knows of it.
type peer struct {
	conf               *peerConf
	target             *dialTarget // where it really listens, ready to dial
	current, effective int
	fails              int
	accessed, checked  time.Time
	conns              int
}

// newBalancer makes the balancer of u, whose servers really listen where
// where says their configured addresses are.
func newBalancer(u *upstreamConf, where func(addr string) string) *balancer {
	b := &balancer{u: u}
	for _, pc := range u.peers {
		p := &peer{conf: pc, target: newDialTarget(where(pc.addr)), effective: pc.weight}
		if pc.backup {
			b.backup = append(b.backup, p)
		} else {
			b.peers = append(b.peers, p)
		}
	}
	return b
}

// single reports an upstream of one server, which nginx never marks down.
func (b *balancer) single() bool { return len(b.peers) == 1 && len(b.backup) == 0 }

// tries is how many servers a request may try.
func (b *balancer) tries() int { return len(b.peers) + len(b.backup) }

// pick chooses a server not tried yet for this request; nil means no
// server is live ("no live upstreams"), and every failure is then
// forgotten, for a quick recovery, as nginx does.
func (b *balancer) pick(tried map[*peer]bool) *peer {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.single() {
		p := b.peers[0]
		if p.conf.down || tried[p] {
			return nil
		}
		p.conns++
		return p
	}
	now := time.Now()
	for _, set := range [][]*peer{b.peers, b.backup} {
		if p := b.choose(set, tried, now); p != nil {
			p.conns++
			return p
		}
	}
	for _, set := range [][]*peer{b.peers, b.backup} {
		for _, p := range set {
			p.fails = 0
		}
	}
	return nil
}

// live reports whether p may take a request now.
func live(p *peer, tried map[*peer]bool, now time.Time) bool {
	c := p.conf
	if c.down || tried[p] {
		return false
	}
	return !(c.maxFails > 0 && p.fails >= c.maxFails && now.Sub(p.checked) <= c.failTimeout)
}

// choose runs one round of the weighted round-robin among the live
// servers of set, or among those with the fewest connections for their
// weight with least_conn.
func (b *balancer) choose(set []*peer, tried map[*peer]bool, now time.Time) *peer {
	var candidates []*peer
	var least *peer
	for _, p := range set {
		if !live(p, tried, now) {
			continue
		}
		if b.u.leastConn {
			switch {
			case least == nil || p.conns*least.conf.weight < least.conns*p.conf.weight:
				least, candidates = p, []*peer{p}
				continue
			case p.conns*least.conf.weight > least.conns*p.conf.weight:
				continue
			}
		}
		candidates = append(candidates, p)
	}
	var best *peer
	total := 0
	for _, p := range candidates {
		p.current += p.effective
		total += p.effective
		if p.effective < p.conf.weight {
			p.effective++
		}
		if best == nil || p.current > best.current {
			best = p
		}
	}
	if best == nil {
		return nil
	}
	best.current -= total
	if now.Sub(best.checked) > best.conf.failTimeout {
		best.checked = now
	}
	return best
}

// done tells the balancer how a request to p went. It reports whether p
// is now disabled for fail_timeout.
func (b *balancer) done(p *peer, failed bool) (disabled bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p.conns--
	if b.single() {
		return false
	}
	now := time.Now()
	c := p.conf
	if !failed {
		if p.accessed.Before(p.checked) {
			p.fails = 0
		}
		return false
	}
	p.fails++
	p.accessed, p.checked = now, now
	if c.maxFails > 0 {
		p.effective -= c.weight / c.maxFails
		disabled = p.fails >= c.maxFails
	}
	if p.effective < 0 {
		p.effective = 0
	}
	return disabled
}
