package proxy

import (
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/porttest"
)

func testUpstream(leastConn bool, peers ...*peerConf) *balancer {
	return newBalancer(&upstreamConf{name: "app", leastConn: leastConn, peers: peers}, func(addr string) string { return addr })
}

func pc(addr string, weight, maxFails int) *peerConf {
	return &peerConf{addr: addr, weight: weight, maxFails: maxFails, failTimeout: 10 * time.Second}
}

// sequence picks n times, each pick done at once, and names the servers.
func sequence(b *balancer, n int) string {
	var out []string
	for i := 0; i < n; i++ {
		p := b.pick(map[*peer]bool{})
		if p == nil {
			out = append(out, "-")
			continue
		}
		out = append(out, p.conf.addr)
		b.done(p, false)
	}
	return strings.Join(out, " ")
}

func TestRoundRobinWeights(t *testing.T) {
	t.Parallel()
	// nginx's smooth weighted round-robin: weights 5, 1, 1 give a a b a c a a.
	b := testUpstream(false, pc("a", 5, 1), pc("b", 1, 1), pc("c", 1, 1))
	if got := sequence(b, 7); got != "a a b a c a a" {
		t.Errorf("picks %q, want a a b a c a a", got)
	}
	b = testUpstream(false, pc("a", 1, 1), pc("b", 1, 1))
	if got := sequence(b, 4); got != "a b a b" {
		t.Errorf("picks %q, want a b a b", got)
	}
}

func TestMaxFailsMarksDown(t *testing.T) {
	t.Parallel()
	b := testUpstream(false, pc("a", 1, 1), pc("b", 1, 1))
	p := b.pick(map[*peer]bool{})
	if p.conf.addr != "a" || !b.done(p, true) {
		t.Fatal("a's failure did not disable it")
	}
	if got := sequence(b, 3); got != "b b b" {
		t.Errorf("with a down: %q, want b b b", got)
	}
	b.peers[0].checked = time.Now().Add(-11 * time.Second)
	if got := sequence(b, 4); !strings.Contains(got, "a") {
		t.Errorf("after fail_timeout: %q, want a back", got)
	}
}

func TestNoLiveUpstreams(t *testing.T) {
	t.Parallel()
	b := testUpstream(false, pc("a", 1, 1), pc("b", 1, 1))
	for range 2 {
		b.done(b.pick(map[*peer]bool{}), true)
	}
	if p := b.pick(map[*peer]bool{}); p != nil {
		t.Fatalf("picked %s with every server down", p.conf.addr)
	}
	if p := b.pick(map[*peer]bool{}); p == nil {
		t.Error("failures were not forgotten after no live upstreams")
	}
}

func TestSingleServerNeverDown(t *testing.T) {
	t.Parallel()
	b := testUpstream(false, pc("a", 1, 1))
	for range 3 {
		b.done(b.pick(map[*peer]bool{}), true)
	}
	if p := b.pick(map[*peer]bool{}); p == nil {
		t.Error("a single server was marked down")
	}
}

func TestLeastConn(t *testing.T) {
	t.Parallel()
	b := testUpstream(true, pc("a", 1, 1), pc("b", 1, 1))
	first := b.pick(map[*peer]bool{}) // held: a has one connection
	second := b.pick(map[*peer]bool{})
	if first.conf.addr == second.conf.addr {
		t.Fatalf("least_conn picked %s twice while it was busy", first.conf.addr)
	}
	b.done(second, false)
	if p := b.pick(map[*peer]bool{}); p.conf.addr != second.conf.addr {
		t.Errorf("least_conn picked %s, busy, over idle %s", p.conf.addr, second.conf.addr)
	}
}

// TestUpstreamFailover runs an upstream of two servers, one of them
// gone: the request that meets it goes on to the other, the error log
// says what nginx says, and the dead server is set aside afterwards.
func TestUpstreamFailover(t *testing.T) {
	up := startUpstream(t)
	dead := porttest.Refused(t)
	conf := `events {}
http {
    upstream app { server ` + dead + `; server ` + up.addr() + `; }
    server { listen 8080; location / { proxy_pass http://app; } }
}`
	p := startProxy(t, conf, nil)
	for i := 0; i < 4; i++ {
		got := ask(t, p.Addr().String(), "GET / HTTP/1.0\r\n\r\n", 3*time.Second)
		if !strings.HasPrefix(string(got), "HTTP/1.1 200 OK") {
			t.Fatalf("request %d: %.60q", i, got)
		}
	}
	byName := p.logs("error_log", ErrorLogBelow)
	// The [warn] line is below the default level, error: nginx would not
	// write it, and the trace says so.
	if below := strings.Join(byName[ErrorLogBelow], "\n"); !strings.Contains(below, "[warn]") {
		t.Errorf("the [warn] line is not marked below the error log's level: %q", below)
	}
	logs := strings.Join(byName["error_log"], "\n") + "\n" + strings.Join(byName[ErrorLogBelow], "\n")
	for _, want := range []string{
		"[error]", "connect() failed (111: Connection refused) while connecting to upstream",
		`upstream: "http://` + dead + `/"`,
		"[warn]", "upstream server temporarily disabled while connecting to upstream",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("error log lacks %q:\n%s", want, logs)
		}
	}
	if n := strings.Count(logs, "connect() failed"); n != 1 {
		t.Errorf("the dead server was tried %d times; max_fails=1 sets it aside after one", n)
	}
}

// TestNoLiveUpstreams sends requests to an upstream whose one server
// is marked down: nginx answers 502 and says "no live upstreams".
func TestNoLiveUpstreamsAnswers502(t *testing.T) {
	conf := `events {}
http {
    upstream app { server ` + porttest.Refused(t) + ` down; server 127.0.0.1:1 down; }
    server { listen 8080; location / { proxy_pass http://app; } }
}`
	p := startProxy(t, conf, nil)
	got := ask(t, p.Addr().String(), "GET / HTTP/1.0\r\n\r\n", 3*time.Second)
	if !strings.HasPrefix(string(got), "HTTP/1.1 502 Bad Gateway") {
		t.Errorf("answered %.60q", got)
	}
	if logs := strings.Join(p.logs("error_log")["error_log"], "\n"); !strings.Contains(logs, `no live upstreams while connecting to upstream`) ||
		!strings.Contains(logs, `upstream: "http://app/"`) {
		t.Errorf("error log:\n%s", logs)
	}
}
