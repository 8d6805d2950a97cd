package proxy

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
)

// locConf is everything a request handler reads about the location that
// serves a request, with what it inherits filled in and nginx's defaults
// where nothing is set.
type locConf struct {
	name     string // the location's path, "" for a server without one
	modifier string

	root        string // absolute
	alias       bool
	index       []string
	tryFiles    []tryParam
	types       map[string]string
	defaultType string
	charset     string
	ret         *returnConf

	keepalive         keepalive
	keepaliveRequests int
	maxBody           int64
	bodyBuffer        int64    // client_body_buffer_size
	bodyTemp          tempPath // client_body_temp_path, its directory absolute
	bodyTimeout       time.Duration
	sendTimeout       time.Duration
	lingering         string
	lingeringTime     time.Duration
	lingeringTimeout  time.Duration
	accessLogs        []accessLog
	errorLog          *errorLog
	serverTokens      string
	chunked           bool
	absoluteRedirect  bool
	portInRedirect    bool
	nameInRedirect    bool
	logNotFound       bool
	etag              bool
	ifModifiedSince   string
	maxRanges         int

	pass           *proxyPass
	proxyHeaders   []headerSetting // proxy_set_header's, then nginx's defaults
	proxySetNames  map[string]bool // lower-case names proxyHeaders covers
	redirects      []redirect
	buffering      bool
	connectTimeout time.Duration
	readTimeout    time.Duration
	sendUpTimeout  time.Duration
	httpVersion    string
	hide           map[string]bool // lower-case upstream headers not passed on
	passHeaders    bool
	passBody       bool
	bufferSize     int
	next           nextUpstream
	nextTries      int
	uwsgiParams    []uwsgiParam
}

// rtLocation is a location ready to match requests.
type rtLocation struct {
	modifier string
	path     string
	re       regexpMatcher
	children []*rtLocation
	conf     *locConf
}

// rtServer is a server block ready to serve.
type rtServer struct {
	names         []string
	defaultServer bool
	base          *locConf // for a URI no location matches
	locations     []*rtLocation
	named         map[string]*rtLocation
}

// defaultProxyHeaders are the headers nginx sends upstream unless
// proxy_set_header names them, in its order (ngx_http_proxy_headers).
var defaultProxyHeaders = []struct{ name, value string }{
	{"Host", "$proxy_host"},
	{"Connection", "close"},
	{"Content-Length", "$proxy_internal_body_length"},
	{"Transfer-Encoding", "$proxy_internal_chunked"},
	{"TE", ""},
	{"Keep-Alive", ""},
	{"Expect", ""},
	{"Upgrade", ""},
}

// defaultHidden are the upstream headers nginx does not pass on by
// default (proxy_hide_header's defaults).
var defaultHidden = []string{"date", "server", "x-pad", "x-accel-expires", "x-accel-redirect", "x-accel-limit-rate", "x-accel-buffering", "x-accel-charset"}

// compiler builds the runtime form of a configuration.
type compiler struct {
	c    *Config
	logs *logFiles
}

func (cp *compiler) servers() ([]*rtServer, error) {
	var out []*rtServer
	for _, s := range cp.c.servers {
		rs := &rtServer{names: s.names, named: map[string]*rtLocation{}}
		for _, l := range s.listens {
			rs.defaultServer = rs.defaultServer || l.defaultServer
		}
		var err error
		if rs.base, err = cp.locConf(s.block, nil); err != nil {
			return nil, err
		}
		if rs.locations, err = cp.locations(s.locations); err != nil {
			return nil, err
		}
		for name, l := range s.named {
			lc, err := cp.locConf(l.block, l)
			if err != nil {
				return nil, err
			}
			rs.named[name] = &rtLocation{modifier: "@", path: name, conf: lc}
		}
		out = append(out, rs)
	}
	return out, nil
}

func (cp *compiler) locations(locs []*location) ([]*rtLocation, error) {
	var out []*rtLocation
	for _, l := range locs {
		lc, err := cp.locConf(l.block, l)
		if err != nil {
			return nil, err
		}
		children, err := cp.locations(l.children)
		if err != nil {
			return nil, err
		}
		out = append(out, &rtLocation{modifier: l.modifier, path: l.path, re: l.re, children: children, conf: lc})
	}
	return out, nil
}

// locConf reads every setting of blk, inherited or default.
func (cp *compiler) locConf(blk *block, l *location) (*locConf, error) {
	lc := &locConf{
		index:             setting(blk, "index", []string{"index.html"}),
		types:             setting(blk, "types", map[string]string{"html": "text/html", "gif": "image/gif", "jpg": "image/jpeg"}),
		defaultType:       setting(blk, "default_type", "text/plain"),
		charset:           setting(blk, "charset", "off"),
		keepalive:         setting(blk, "keepalive_timeout", keepalive{timeout: 75 * time.Second}),
		keepaliveRequests: setting(blk, "keepalive_requests", 1000),
		maxBody:           setting(blk, "client_max_body_size", int64(1<<20)),
		bodyBuffer:        setting(blk, "client_body_buffer_size", int64(8<<10)),
		bodyTemp:          setting(blk, "client_body_temp_path", tempPath{dir: "client_body_temp"}),
		bodyTimeout:       setting(blk, "client_body_timeout", 60*time.Second),
		sendTimeout:       setting(blk, "send_timeout", 60*time.Second),
		lingering:         setting(blk, "lingering_close", "on"),
		lingeringTime:     setting(blk, "lingering_time", 30*time.Second),
		lingeringTimeout:  setting(blk, "lingering_timeout", 5*time.Second),
		serverTokens:      setting(blk, "server_tokens", "on"),
		chunked:           setting(blk, "chunked_transfer_encoding", true),
		absoluteRedirect:  setting(blk, "absolute_redirect", true),
		portInRedirect:    setting(blk, "port_in_redirect", true),
		nameInRedirect:    setting(blk, "server_name_in_redirect", false),
		logNotFound:       setting(blk, "log_not_found", true),
		etag:              setting(blk, "etag", true),
		ifModifiedSince:   setting(blk, "if_modified_since", "exact"),
		maxRanges:         setting(blk, "max_ranges", -1),
		redirects:         setting[[]redirect](blk, "proxy_redirect", nil),
		buffering:         setting(blk, "proxy_buffering", true),
		connectTimeout:    setting(blk, "proxy_connect_timeout", 60*time.Second),
		readTimeout:       setting(blk, "proxy_read_timeout", 60*time.Second),
		sendUpTimeout:     setting(blk, "proxy_send_timeout", 60*time.Second),
		httpVersion:       setting(blk, "proxy_http_version", "1.0"),
		passHeaders:       setting(blk, "proxy_pass_request_headers", true),
		passBody:          setting(blk, "proxy_pass_request_body", true),
		bufferSize:        int(setting(blk, "proxy_buffer_size", int64(4096))),
		next:              setting(blk, "proxy_next_upstream", nextUpstream{error: true, timeout: true}),
		nextTries:         setting(blk, "proxy_next_upstream_tries", 0),
		uwsgiParams:       setting[[]uwsgiParam](blk, "uwsgi_param", nil),
	}
	if l != nil {
		lc.name, lc.modifier = l.path, l.modifier
	}
	lc.bodyTemp.dir = cp.c.path(lc.bodyTemp.dir)
	root := setting(blk, "root", rootPath{path: "html"})
	lc.root, lc.alias = cp.c.path(root.path), root.alias
	// return, try_files and proxy_pass belong to their own block only:
	// nginx does not inherit them.
	if rc, ok := blk.vals["return"].(returnConf); ok {
		lc.ret = &rc
	}
	lc.tryFiles, _ = blk.vals["try_files"].([]tryParam)
	if p, ok := blk.vals["pass"].(*proxyPass); ok {
		lc.pass = p
		if p.uwsgi {
			lc.buffering = setting(blk, "uwsgi_buffering", true)
			lc.connectTimeout = setting(blk, "uwsgi_connect_timeout", 60*time.Second)
			lc.readTimeout = setting(blk, "uwsgi_read_timeout", 60*time.Second)
			lc.sendUpTimeout = setting(blk, "uwsgi_send_timeout", 60*time.Second)
		}
	}
	if err := cp.proxyHeaders(lc, blk); err != nil {
		return nil, err
	}
	cp.hidden(lc, blk)
	var err error
	if lc.accessLogs, err = cp.accessLogs(blk); err != nil {
		return nil, err
	}
	if e, ok := blk.lookup("error_log"); ok {
		el := e.(errorLogConf)
		if lc.errorLog, err = cp.logs.errorLog(cp.c.path, el); err != nil {
			return nil, err
		}
	}
	return lc, nil
}

// proxyHeaders lists the headers sent upstream: proxy_set_header's first,
// in their order, then nginx's defaults that they do not name.
func (cp *compiler) proxyHeaders(lc *locConf, blk *block) error {
	set := setting[[]headerSetting](blk, "proxy_set_header", nil)
	lc.proxySetNames = map[string]bool{}
	for _, h := range set {
		lc.proxySetNames[strings.ToLower(h.name)] = true
	}
	lc.proxyHeaders = append(lc.proxyHeaders, set...)
	for _, d := range defaultProxyHeaders {
		if lc.proxySetNames[strings.ToLower(d.name)] {
			continue
		}
		t := template{raw: d.value, parts: []part{{lit: d.value}}}
		if strings.HasPrefix(d.value, "$") {
			t.parts = []part{{name: d.value[1:]}}
		}
		lc.proxyHeaders = append(lc.proxyHeaders, headerSetting{name: d.name, value: t})
		lc.proxySetNames[strings.ToLower(d.name)] = true
	}
	return nil
}

func (cp *compiler) hidden(lc *locConf, blk *block) {
	lc.hide = map[string]bool{}
	for _, h := range defaultHidden {
		lc.hide[h] = true
	}
	for _, h := range setting[[]string](blk, "proxy_hide_header", nil) {
		lc.hide[strings.ToLower(h)] = true
	}
	for _, h := range setting[[]string](blk, "proxy_pass_header", nil) {
		delete(lc.hide, strings.ToLower(h))
	}
}

// accessLogs opens the files of the access_log directives that apply;
// without any, nginx writes to logs/access.log under its prefix, which
// the lab leaves to the trace alone.
func (cp *compiler) accessLogs(blk *block) ([]accessLog, error) {
	confs, ok := blk.lookup("access_log")
	if !ok {
		t, _ := compileTemplate(combined)
		return []accessLog{{format: logFormat{name: "combined", escape: "default", line: t}}}, nil
	}
	var out []accessLog
	for _, a := range confs.([]accessLogConf) {
		f, err := cp.logs.open(cp.c.path(a.path))
		if err != nil {
			return nil, err
		}
		out = append(out, accessLog{file: f, format: a.format})
	}
	return out, nil
}

// readLimits returns the limits nginx reads a request head with, from the
// default server's settings.
func readLimits(blk *block) http1.Limits {
	lim := http1.NginxLimits()
	lim.FirstBuffer = int(setting(blk, "client_header_buffer_size", int64(1024)))
	lb := setting(blk, "large_client_header_buffers", largeBuffers{4, 8192})
	lim.LargeBuffer, lim.LargeBuffers = int(lb.size), lb.n
	lim.UnderscoresInHeaders = setting(blk, "underscores_in_headers", false)
	return lim
}

// logFiles are the log files a proxy writes, each opened once.
type logFiles struct {
	files map[string]*logFile
}

func (lf *logFiles) open(path string) (*logFile, error) {
	if f, ok := lf.files[path]; ok {
		return f, nil
	}
	var f *logFile
	switch path {
	case "/dev/null":
	case "stderr":
		f = &logFile{w: os.Stderr}
	default:
		file, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf(`open() "%s" failed (%s)`, path, errno.Text(err))
		}
		f = &logFile{w: file, file: file}
	}
	lf.files[path] = f
	return f, nil
}

func (lf *logFiles) errorLog(resolve func(string) string, c errorLogConf) (*errorLog, error) {
	f, err := lf.open(resolve(c.path))
	if err != nil {
		return nil, err
	}
	return &errorLog{file: f, level: c.level}, nil
}

// close closes every log file.
func (lf *logFiles) close() error {
	var first error
	for _, f := range lf.files {
		if f != nil && f.file != nil {
			if err := f.file.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}
