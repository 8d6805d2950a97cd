package proxy

import (
	"net"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
)

// logLevel is an error log's level, from the most verbose.
type logLevel int

const (
	levelDebug logLevel = iota
	levelInfo
	levelNotice
	levelWarn
	levelError
	levelCrit
	levelAlert
	levelEmerg
)

var levelNames = []string{"debug", "info", "notice", "warn", "error", "crit", "alert", "emerg"}

func (l logLevel) String() string { return levelNames[l] }

// errorLogConf is an error_log directive: a file and the lowest level it
// takes.
type errorLogConf struct {
	path  string
	level logLevel
}

func setErrorLog(_ *builder, blk *block, d *conf.Directive) error {
	e := errorLogConf{path: d.Args[0], level: levelError}
	if len(d.Args) == 2 {
		found := false
		for i, n := range levelNames {
			if d.Args[1] == n {
				e.level, found = logLevel(i), true
			}
		}
		if !found {
			return d.Errorf(`invalid log level "%s"`, d.Args[1])
		}
	}
	blk.vals["error_log"] = e
	return nil
}

// accessLogConf is one access_log directive.
type accessLogConf struct {
	path   string
	format logFormat
}

// logFormat is a log_format: how each access log line is made.
type logFormat struct {
	name   string
	escape string // "default", "json" or "none"
	line   template
}

// combined is nginx's predefined access log format.
const combined = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`

func setAccessLog(b *builder, blk *block, d *conf.Directive) error {
	if d.Args[0] == "off" {
		blk.vals["access_log"] = []accessLogConf{}
		return nil
	}
	name := "combined"
	if len(d.Args) > 1 {
		name = d.Args[1]
	}
	f, ok := b.c.formats[name]
	if !ok && name == "combined" {
		t, _ := compileTemplate(combined)
		f, ok = logFormat{name: name, escape: "default", line: t}, true
	}
	if !ok {
		return d.Errorf(`unknown log format "%s"`, name)
	}
	for _, p := range d.Args[min(2, len(d.Args)):] {
		if !strings.HasPrefix(p, "buffer=") && !strings.HasPrefix(p, "flush=") && !strings.HasPrefix(p, "gzip") {
			return d.Errorf(`invalid parameter "%s"`, p)
		}
	}
	add(blk, "access_log", accessLogConf{path: d.Args[0], format: f})
	return nil
}

func setLogFormat(b *builder, _ *block, d *conf.Directive) error {
	name, rest := d.Args[0], d.Args[1:]
	if name == "combined" || b.c.formats[name].name != "" {
		return d.Errorf(`duplicate "log_format" name "%s"`, name)
	}
	f := logFormat{name: name, escape: "default"}
	if e, ok := strings.CutPrefix(rest[0], "escape="); ok {
		if e != "default" && e != "json" && e != "none" {
			return d.Errorf(`unknown log format escaping "%s"`, e)
		}
		f.escape, rest = e, rest[1:]
	}
	t, err := compileTemplate(strings.Join(rest, ""))
	if err != nil {
		return err
	}
	f.line = t
	b.c.formats[name] = f
	return nil
}

// upstreamConf is an upstream block, or the one server a proxy_pass
// names directly.
type upstreamConf struct {
	name      string
	peers     []*peerConf
	leastConn bool
	implicit  bool // made for a proxy_pass to an address
}

// peerConf is one server of an upstream.
type peerConf struct {
	addr        string // host:port as configured
	weight      int
	maxFails    int
	failTimeout time.Duration
	backup      bool
	down        bool
}

func enterUpstream(b *builder, blk *block, d *conf.Directive) error {
	name := d.Args[0]
	if _, dup := b.c.upstreams[name]; dup {
		return d.Errorf(`duplicate upstream "%s"`, name)
	}
	u := &upstreamConf{name: name}
	b.c.upstreams[name] = u
	b.upstream = u
	defer func() { b.upstream = nil }()
	if err := b.apply(newBlock(blk, "upstream"), d.Block); err != nil {
		return err
	}
	if len(u.peers) == 0 {
		return d.Errorf("no servers are inside upstream")
	}
	return nil
}

func setLeastConn(b *builder, _ *block, _ *conf.Directive) error {
	b.upstream.leastConn = true
	return nil
}

func addPeer(b *builder, _ *block, d *conf.Directive) error {
	p := &peerConf{addr: withPort(d.Args[0], "80"), weight: 1, maxFails: 1, failTimeout: 10 * time.Second}
	if strings.HasPrefix(d.Args[0], "unix:") {
		return d.Errorf(`"server" directive is not supported by ngw2f-lab with a unix socket`)
	}
	for _, a := range d.Args[1:] {
		key, val, _ := strings.Cut(a, "=")
		var err error
		var n int
		switch key {
		case "weight":
			n, err = atoiPositive(val)
			p.weight = n
		case "max_fails":
			n, err = atoiNonNegative(val)
			p.maxFails = n
		case "fail_timeout":
			var ok bool
			p.failTimeout, ok = parseTime(val)
			if !ok {
				err = errInvalid
			}
		case "max_conns":
			_, err = atoiNonNegative(val)
		case "backup":
			p.backup = val == "" && a == "backup"
		case "down":
			p.down = a == "down"
		default:
			err = errInvalid
		}
		if err != nil || (key == "backup" && !p.backup) || (key == "down" && !p.down) {
			return d.Errorf(`invalid parameter "%s"`, a)
		}
	}
	b.upstream.peers = append(b.upstream.peers, p)
	return nil
}

// withPort adds port to a host that has none.
func withPort(hostport, port string) string {
	if _, _, err := net.SplitHostPort(hostport); err == nil {
		return hostport
	}
	return net.JoinHostPort(strings.Trim(hostport, "[]"), port)
}

// proxyPass is a proxy_pass or uwsgi_pass: where requests go, and for
// proxy_pass the URI that replaces the location's prefix.
type proxyPass struct {
	url      string // as written
	host     string // the upstream's name, or host:port as written
	uri      string // the URI part, "" when none
	hasURI   bool
	upstream *upstreamConf // set once the whole configuration is read
	uwsgi    bool
	line     *conf.Directive
}

func setProxyPass(b *builder, blk *block, d *conf.Directive) error {
	raw := d.Args[0]
	if strings.Contains(raw, "$") {
		return d.Errorf(`"proxy_pass" directive is not supported by ngw2f-lab with variables in it`)
	}
	rest, ok := strings.CutPrefix(raw, "http://")
	if !ok {
		if strings.HasPrefix(raw, "https://") {
			return d.Errorf(`"proxy_pass" directive is not supported by ngw2f-lab with https`)
		}
		return d.Errorf("invalid URL prefix")
	}
	p := &proxyPass{url: raw, host: rest, line: d}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		p.host, p.uri, p.hasURI = rest[:i], rest[i:], true
	}
	if l := b.locations[blk]; p.hasURI && l != nil && (l.re != nil || l.modifier == "@") {
		return d.Errorf(`"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block`)
	}
	blk.vals["pass"] = p
	return nil
}

func setUwsgiPass(_ *builder, blk *block, d *conf.Directive) error {
	raw := d.Args[0]
	if strings.Contains(raw, "$") {
		return d.Errorf(`"uwsgi_pass" directive is not supported by ngw2f-lab with variables in it`)
	}
	host := strings.TrimPrefix(raw, "uwsgi://")
	if strings.Contains(host, "://") || strings.HasPrefix(host, "unix:") {
		return d.Errorf(`"uwsgi_pass" directive is not supported by ngw2f-lab with "%s"`, raw)
	}
	if _, dup := blk.vals["pass"]; dup {
		return d.Errorf(`"uwsgi_pass" directive is duplicate`)
	}
	blk.vals["pass"] = &proxyPass{url: raw, host: host, uwsgi: true, line: d}
	return nil
}

// headerSetting is a proxy_set_header: a header name and its value.
type headerSetting struct {
	name  string
	value template
}

func setProxyHeader(_ *builder, blk *block, d *conf.Directive) error {
	t, err := compileTemplate(d.Args[1])
	if err != nil {
		return err
	}
	add(blk, d.Name, headerSetting{name: d.Args[0], value: t})
	return nil
}

// uwsgiParam is a uwsgi_param: a variable of the uwsgi packet.
type uwsgiParam struct {
	key        string
	value      template
	ifNotEmpty bool
}

func setUwsgiParam(_ *builder, blk *block, d *conf.Directive) error {
	t, err := compileTemplate(d.Args[1])
	if err != nil {
		return err
	}
	p := uwsgiParam{key: d.Args[0], value: t}
	if len(d.Args) == 3 {
		if d.Args[2] != "if_not_empty" {
			return d.Errorf(`invalid parameter "%s"`, d.Args[2])
		}
		p.ifNotEmpty = true
	}
	add(blk, d.Name, p)
	return nil
}

// redirect is a proxy_redirect: "off", "default", or a replacement.
type redirect struct {
	off, def bool
	from, to string
}

func setProxyRedirect(_ *builder, blk *block, d *conf.Directive) error {
	r := redirect{}
	switch {
	case len(d.Args) == 1 && d.Args[0] == "off":
		r.off = true
	case len(d.Args) == 1 && d.Args[0] == "default":
		r.def = true
	case len(d.Args) == 2:
		r.from, r.to = d.Args[0], d.Args[1]
	default:
		return d.Errorf(`invalid parameter "%s"`, d.Args[0])
	}
	add(blk, d.Name, r)
	return nil
}

// nextUpstream is what proxy_next_upstream lets the proxy retry on.
type nextUpstream struct {
	error, timeout, invalidHeader, nonIdempotent bool
	statuses                                     map[int]bool
}

func setNextUpstream(_ *builder, blk *block, d *conf.Directive) error {
	n := nextUpstream{statuses: map[int]bool{}}
	for _, a := range d.Args {
		switch a {
		case "error":
			n.error = true
		case "timeout":
			n.timeout = true
		case "invalid_header":
			n.invalidHeader = true
		case "non_idempotent":
			n.nonIdempotent = true
		case "off":
			if len(d.Args) > 1 {
				return d.Errorf(`invalid value "%s"`, a)
			}
		case "http_500", "http_502", "http_503", "http_504", "http_403", "http_404", "http_429":
			n.statuses[int(a[5]-'0')*100+int(a[6]-'0')*10+int(a[7]-'0')] = true
		default:
			return d.Errorf(`invalid value "%s"`, a)
		}
	}
	blk.vals[d.Name] = n
	return nil
}

// finish resolves what needs the whole configuration: which upstream each
// proxy_pass names.
func (b *builder) finish() error {
	if len(b.c.servers) == 0 {
		b.c.servers = append(b.c.servers, &serverConf{block: newBlock(b.c.http, "server"), named: map[string]*location{}})
	}
	for _, s := range b.c.servers {
		if err := b.resolve(s.block); err != nil {
			return err
		}
		for _, l := range s.named {
			if err := b.resolve(l.block); err != nil {
				return err
			}
		}
		if err := b.resolveAll(s.locations); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) resolveAll(locs []*location) error {
	for _, l := range locs {
		if err := b.resolve(l.block); err != nil {
			return err
		}
		if err := b.resolveAll(l.children); err != nil {
			return err
		}
	}
	return nil
}

// resolve points a block's proxy_pass at its upstream.
func (b *builder) resolve(blk *block) error {
	p, ok := blk.vals["pass"].(*proxyPass)
	if !ok || p.upstream != nil {
		return nil
	}
	if u, ok := b.c.upstreams[p.host]; ok {
		p.upstream = u
		return nil
	}
	host := p.host
	if host == "" {
		return p.line.Errorf(`no host in "%s" of the "%s" directive`, p.url, p.line.Name)
	}
	port := "80"
	if p.uwsgi {
		port = ""
		if _, _, err := net.SplitHostPort(host); err != nil {
			return p.line.Errorf(`no port in upstream "%s"`, host)
		}
	}
	p.upstream = &upstreamConf{name: host, implicit: true, peers: []*peerConf{
		{addr: withPort(host, port), weight: 1, maxFails: 1, failTimeout: 10 * time.Second},
	}}
	return nil
}
