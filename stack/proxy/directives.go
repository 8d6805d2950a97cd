package proxy

import (
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
)

// Where directives may appear.
var (
	inMain     = []string{"main"}
	inEvents   = []string{"events"}
	inHTTP     = []string{"http"}
	inServer   = []string{"server"}
	inLocation = []string{"location"}
	inUpstream = []string{"upstream"}
	inSL       = []string{"server", "location"}
	inHS       = []string{"http", "server"}
	inHSL      = []string{"http", "server", "location"}
	inAll      = []string{"main", "http", "server", "location"}
)

// directive is a directive the proxy knows: where it may appear and what
// it does. A nil apply accepts the directive without effect in the lab
// (worker_processes, sendfile, ...), as lesson 2 says.
type directive struct {
	spec  conf.Spec
	apply func(b *builder, blk *block, d *conf.Directive) error
}

func args(ctx []string, min, max int) conf.Spec {
	return conf.Spec{Contexts: ctx, MinArgs: min, MaxArgs: max}
}

func once(ctx []string, min, max int) conf.Spec {
	return conf.Spec{Contexts: ctx, MinArgs: min, MaxArgs: max, Once: true}
}

func flagSpec(ctx []string) conf.Spec {
	return conf.Spec{Contexts: ctx, MinArgs: 1, MaxArgs: 1, Flag: true, Once: true}
}

func blockSpec(ctx []string, min, max int) conf.Spec {
	return conf.Spec{Contexts: ctx, Block: true, MinArgs: min, MaxArgs: max}
}

func unsupported(ctx []string, why string) conf.Spec {
	return conf.Spec{Contexts: ctx, MaxArgs: -1, Unsupported: why}
}

// directives is the table of every directive the proxy reads.
func directives() map[string]directive {
	return map[string]directive{
		// The main context. The lab runs the proxy as goroutines inside its
		// own process, so process settings have no effect.
		"worker_processes":     {once(inMain, 1, 1), checkWorkers},
		"daemon":               {spec: flagSpec(inMain)},
		"master_process":       {flagSpec(inMain), setFlag},
		"pid":                  {spec: once(inMain, 1, 1)},
		"user":                 {spec: once(inMain, 1, 2)},
		"worker_rlimit_nofile": {once(inMain, 1, 1), checkNumber},
		"pcre_jit":             {spec: flagSpec(inMain)},
		"env":                  {spec: args(inMain, 1, 1)},
		"load_module":          {spec: unsupported(inMain, "the lab's proxy has no dynamic modules")},
		"error_log":            {args(inAll, 1, 2), setErrorLog},
		"events":               {blockSpec(inMain, 0, 0), enterEvents},
		"worker_connections":   {once(inEvents, 1, 1), setNumber},
		"accept_mutex":         {spec: flagSpec(inEvents)},
		"accept_mutex_delay":   {once(inEvents, 1, 1), checkTime},
		"multi_accept":         {spec: flagSpec(inEvents)},
		"use":                  {spec: once(inEvents, 1, 1)},
		"http":                 {blockSpec(inMain, 0, 0), enterHTTP},

		// Kernel and hash tuning: accepted, without effect.
		"sendfile":                       {spec: flagSpec(inHSL)},
		"tcp_nopush":                     {spec: flagSpec(inHSL)},
		"tcp_nodelay":                    {spec: flagSpec(inHSL)},
		"types_hash_max_size":            {once([]string{"http", "server", "location"}, 1, 1), checkNumber},
		"types_hash_bucket_size":         {once(inHSL, 1, 1), checkNumber},
		"server_names_hash_bucket_size":  {once(inHTTP, 1, 1), checkNumber},
		"server_names_hash_max_size":     {once(inHTTP, 1, 1), checkNumber},
		"variables_hash_max_size":        {once(inHTTP, 1, 1), checkNumber},
		"variables_hash_bucket_size":     {once(inHTTP, 1, 1), checkNumber},
		"proxy_headers_hash_max_size":    {once(inHSL, 1, 1), checkNumber},
		"proxy_headers_hash_bucket_size": {once(inHSL, 1, 1), checkNumber},
		"proxy_buffers":                  {spec: once(inHSL, 2, 2)},
		"proxy_busy_buffers_size":        {once(inHSL, 1, 1), checkSize},
		"proxy_request_buffering":        {spec: flagSpec(inHSL)},
		"proxy_ignore_client_abort":      {spec: flagSpec(inHSL)},
		"client_body_buffer_size":        {once(inHSL, 1, 1), setSize},
		"open_file_cache":                {spec: once(inHSL, 1, 2)},
		// Temporary files: a request body goes to client_body_temp_path;
		// an upstream's answer goes to the lab's own temporary files.
		"client_body_temp_path":     {once(inHSL, 1, 4), setTempPath},
		"proxy_temp_path":           {spec: once(inHSL, 1, 4)},
		"fastcgi_temp_path":         {spec: once(inHSL, 1, 4)},
		"uwsgi_temp_path":           {spec: once(inHSL, 1, 4)},
		"scgi_temp_path":            {spec: once(inHSL, 1, 4)},
		"reset_timedout_connection": {spec: flagSpec(inHSL)},
		// Compression would hide the bytes the lab is there to show.
		"gzip":              {spec: flagSpec(inHSL)},
		"gzip_vary":         {spec: flagSpec(inHSL)},
		"gzip_proxied":      {spec: args(inHSL, 1, -1)},
		"gzip_comp_level":   {once(inHSL, 1, 1), checkNumber},
		"gzip_buffers":      {spec: once(inHSL, 2, 2)},
		"gzip_http_version": {spec: once(inHSL, 1, 1)},
		"gzip_types":        {spec: args(inHSL, 1, -1)},
		"gzip_min_length":   {once(inHSL, 1, 1), checkSize},
		"gzip_disable":      {spec: args(inHSL, 1, -1)},

		// Connections and limits.
		"keepalive_timeout":           {args(inHSL, 1, 2), setKeepaliveTimeout},
		"keepalive_requests":          {once(inHSL, 1, 1), setNumber},
		"client_header_timeout":       {once(inHS, 1, 1), setTime},
		"client_body_timeout":         {once(inHSL, 1, 1), setTime},
		"send_timeout":                {once(inHSL, 1, 1), setTime},
		"lingering_close":             {once(inHSL, 1, 1), setEnum("off", "on", "always")},
		"lingering_time":              {once(inHSL, 1, 1), setTime},
		"lingering_timeout":           {once(inHSL, 1, 1), setTime},
		"client_max_body_size":        {once(inHSL, 1, 1), setSize},
		"client_header_buffer_size":   {once(inHS, 1, 1), setSize},
		"large_client_header_buffers": {once(inHS, 2, 2), setLargeBuffers},
		"underscores_in_headers":      {flagSpec(inHS), setFlag},
		"ignore_invalid_headers":      {spec: flagSpec(inHS)},
		"merge_slashes":               {flagSpec(inHS), setFlag},
		"server_tokens":               {once(inHSL, 1, 1), setEnum("on", "off", "build")},
		"chunked_transfer_encoding":   {flagSpec(inHSL), setFlag},
		"absolute_redirect":           {flagSpec(inHSL), setFlag},
		"port_in_redirect":            {flagSpec(inHSL), setFlag},
		"server_name_in_redirect":     {flagSpec(inHSL), setFlag},
		"log_not_found":               {flagSpec(inHSL), setFlag},
		"etag":                        {flagSpec(inHSL), setFlag},
		"if_modified_since":           {once(inHSL, 1, 1), setEnum("off", "exact", "before")},
		"max_ranges":                  {once(inHSL, 1, 1), setNumber},

		// Files.
		"include":      {spec: args(inAll, 1, 1)}, // read by conf
		"types":        {blockSpec(inHSL, 0, 0), setTypes},
		"default_type": {once(inHSL, 1, 1), setString},
		"charset":      {once(inHSL, 1, 1), setString},
		"root":         {args(inHSL, 1, 1), setRoot},
		"alias":        {args(inLocation, 1, 1), setRoot},
		"index":        {args(inHSL, 1, -1), setList},
		"try_files":    {once(inSL, 2, -1), setTryFiles},
		"autoindex":    {spec: unsupported(inHSL, "the lab's proxy lists no directories")},

		// Logs.
		"access_log": {args(inHSL, 1, -1), setAccessLog},
		"log_format": {args(inHTTP, 2, -1), setLogFormat},

		// Virtual servers and locations.
		"server":      {blockSpec(inHTTP, 0, 0), enterServer},
		"listen":      {args(inServer, 1, -1), setListen},
		"server_name": {args(inServer, 1, -1), setServerName},
		"location":    {blockSpec(inSL, 1, 2), enterLocation},
		"return":      {once(inSL, 1, 2), setReturn},
		"rewrite":     {spec: unsupported(inSL, "use return or try_files")},
		"if":          {spec: unsupported(inSL, "the lab's proxy has no if blocks")},
		"error_page":  {spec: unsupported(inHSL, "the lab's proxy always answers errors with nginx's own pages")},

		// Upstreams.
		"upstream":                    {blockSpec(inHTTP, 1, 1), enterUpstream},
		"upstream/server":             {args(inUpstream, 1, -1), addPeer},
		"least_conn":                  {once(inUpstream, 0, 0), setLeastConn},
		"keepalive":                   {once(inUpstream, 1, 1), checkNumber},
		"upstream/keepalive_timeout":  {once(inUpstream, 1, 1), checkTime},
		"upstream/keepalive_requests": {once(inUpstream, 1, 1), checkNumber},
		"ip_hash":                     {spec: unsupported(inUpstream, "the lab balances with round-robin or least_conn")},
		"hash":                        {spec: unsupported(inUpstream, "the lab balances with round-robin or least_conn")},
		"random":                      {spec: unsupported(inUpstream, "the lab balances with round-robin or least_conn")},

		// Proxying.
		"proxy_pass":                 {once(inLocation, 1, 1), setProxyPass},
		"proxy_set_header":           {args(inHSL, 2, 2), setProxyHeader},
		"proxy_redirect":             {args(inHSL, 1, 2), setProxyRedirect},
		"proxy_buffering":            {flagSpec(inHSL), setFlag},
		"proxy_connect_timeout":      {once(inHSL, 1, 1), setTime},
		"proxy_read_timeout":         {once(inHSL, 1, 1), setTime},
		"proxy_send_timeout":         {once(inHSL, 1, 1), setTime},
		"proxy_http_version":         {once(inHSL, 1, 1), setEnum("1.0", "1.1")},
		"proxy_hide_header":          {args(inHSL, 1, 1), setList},
		"proxy_pass_header":          {args(inHSL, 1, 1), setList},
		"proxy_pass_request_headers": {flagSpec(inHSL), setFlag},
		"proxy_pass_request_body":    {flagSpec(inHSL), setFlag},
		"proxy_buffer_size":          {once(inHSL, 1, 1), setSize},
		"proxy_next_upstream":        {args(inHSL, 1, -1), setNextUpstream},
		"proxy_next_upstream_tries":  {once(inHSL, 1, 1), setNumber},
		"uwsgi_pass":                 {once(inLocation, 1, 1), setUwsgiPass},
		"uwsgi_param":                {args(inHSL, 2, 3), setUwsgiParam},
		"uwsgi_buffering":            {flagSpec(inHSL), setFlag},
		"uwsgi_connect_timeout":      {once(inHSL, 1, 1), setTime},
		"uwsgi_read_timeout":         {once(inHSL, 1, 1), setTime},
		"uwsgi_send_timeout":         {once(inHSL, 1, 1), setTime},
	}
}

// directiveSpecs returns the table as conf.Check reads it.
func directiveSpecs() map[string]conf.Spec {
	specs := map[string]conf.Spec{}
	for name, d := range directives() {
		specs[name] = d.spec
	}
	return specs
}

// builder applies directives to blocks.
type builder struct {
	c         *Config
	table     map[string]directive
	server    *serverConf
	upstream  *upstreamConf
	locations map[*block]*location
}

// apply applies dirs, found in blk, in order.
func (b *builder) apply(blk *block, dirs []*conf.Directive) error {
	if b.table == nil {
		b.table = directives()
		b.locations = map[*block]*location{}
	}
	for _, d := range dirs {
		dir, ok := b.table[blk.kind+"/"+d.Name]
		if !ok {
			dir = b.table[d.Name]
		}
		if dir.apply == nil {
			continue
		}
		if err := dir.apply(b, blk, d); err != nil {
			return err
		}
	}
	return nil
}

// enterEvents reads the events block's settings into the main block:
// the proxy has one worker, whose settings they are.
func enterEvents(b *builder, blk *block, d *conf.Directive) error {
	return b.apply(blk, d.Block)
}

func checkWorkers(_ *builder, _ *block, d *conf.Directive) error {
	if d.Args[0] == "auto" {
		return nil
	}
	return checkNumber(nil, nil, d)
}

func checkNumber(_ *builder, _ *block, d *conf.Directive) error {
	_, err := numberArg(d, 0)
	return err
}

func checkTime(_ *builder, _ *block, d *conf.Directive) error {
	_, err := timeArg(d, 0)
	return err
}

func checkSize(_ *builder, _ *block, d *conf.Directive) error {
	_, err := sizeArg(d, 0)
	return err
}

func setNumber(_ *builder, blk *block, d *conf.Directive) error {
	n, err := numberArg(d, 0)
	blk.vals[d.Name] = n
	return err
}

func setTime(_ *builder, blk *block, d *conf.Directive) error {
	t, err := timeArg(d, 0)
	blk.vals[d.Name] = t
	return err
}

func setSize(_ *builder, blk *block, d *conf.Directive) error {
	n, err := sizeArg(d, 0)
	blk.vals[d.Name] = n
	return err
}

func setFlag(_ *builder, blk *block, d *conf.Directive) error {
	blk.vals[d.Name] = d.Args[0] == "on"
	return nil
}

func setString(_ *builder, blk *block, d *conf.Directive) error {
	blk.vals[d.Name] = d.Args[0]
	return nil
}

func setList(_ *builder, blk *block, d *conf.Directive) error {
	for _, a := range d.Args {
		add(blk, d.Name, a)
	}
	return nil
}

// setEnum returns an apply that accepts one of values, in nginx's words
// otherwise.
func setEnum(values ...string) func(*builder, *block, *conf.Directive) error {
	return func(_ *builder, blk *block, d *conf.Directive) error {
		for _, v := range values {
			if d.Args[0] == v {
				blk.vals[d.Name] = v
				return nil
			}
		}
		return d.Errorf(`invalid value "%s" in "%s" directive, it must be "%s"`, d.Args[0], d.Name, strings.Join(values, `" or "`))
	}
}

// keepalive is keepalive_timeout's two values: how long an idle
// connection is kept, and what a Keep-Alive header says (0: none).
type keepalive struct {
	timeout, header time.Duration
}

func setKeepaliveTimeout(_ *builder, blk *block, d *conf.Directive) error {
	var k keepalive
	var err error
	if k.timeout, err = timeArg(d, 0); err != nil {
		return err
	}
	if len(d.Args) == 2 {
		if k.header, err = timeArg(d, 1); err != nil {
			return err
		}
	}
	if _, dup := blk.vals[d.Name]; dup {
		return d.Errorf(`"%s" directive is duplicate`, d.Name)
	}
	blk.vals[d.Name] = k
	return nil
}

// largeBuffers is large_client_header_buffers' number and size.
type largeBuffers struct {
	n    int
	size int64
}

func setLargeBuffers(_ *builder, blk *block, d *conf.Directive) error {
	n, err := numberArg(d, 0)
	if err != nil || n == 0 {
		return d.Errorf(`invalid value "%s"`, d.Args[0])
	}
	size, err := sizeArg(d, 1)
	if err != nil {
		return err
	}
	blk.vals[d.Name] = largeBuffers{n, size}
	return nil
}
