package real

import (
	"fmt"
	"maps"
	"net"
	"os/user"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
)

// nginxRun is what the lab changes in a configuration to run nginx in
// its private directory, in the foreground, behind its relays. None of it
// changes a byte nginx sends.
type nginxRun struct {
	Dir    string            // the private directory: pid file, temp paths
	Listen string            // where nginx listens, behind the front relay
	Relays map[string]string // each upstream address, to its relay's
	// Root runs nginx's workers as root, as they can then read the
	// private directory: nginx started by root makes them nobody.
	Root bool
}

// accessMark starts the access log lines the lab reads.
const accessMark = "ngw2f-lab-access"

// rewrite returns the configuration dirs, read with its includes, as
// nginx is to run it:
//
//   - daemon off, the pid file in the private directory, and the main
//     error log on standard error at notice level (the lab reads from it
//     which workers nginx starts and stops);
//   - every listen directive on the private address, default_server kept;
//   - every upstream address (a server of an upstream block, the address
//     of a proxy_pass or uwsgi_pass) the relay's that stands for it;
//   - the temp paths in the private directory;
//   - beside each access_log and error_log, the same lines on standard
//     error, the access lines after the lab's mark, the connection and
//     the client's address, so the lab can put them under the right
//     journey.
func (n nginxRun) rewrite(dirs []*conf.Directive) ([]*conf.Directive, error) {
	group := ""
	if n.Root {
		g, err := user.LookupGroupId("0")
		if err != nil {
			return nil, fmt.Errorf("the group of root: %w", err)
		}
		group = g.Name
	}
	var out []*conf.Directive
	for _, d := range dirs {
		switch d.Name {
		case "daemon", "pid", "user", "master_process":
			continue
		case "http":
			d = n.http(d)
		}
		out = append(out, d)
	}
	head := []*conf.Directive{
		dir("daemon", "off"),
		dir("pid", filepath.Join(n.Dir, "nginx.pid")),
		dir("error_log", "stderr", "notice"),
	}
	if n.Root {
		head = append(head, dir("user", "root", group))
	}
	return append(head, out...), nil
}

func dir(name string, args ...string) *conf.Directive { return &conf.Directive{Name: name, Args: args} }

// http rewrites the http block.
func (n nginxRun) http(h *conf.Directive) *conf.Directive {
	formats := map[string][]string{"combined": {`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`}}
	for _, d := range h.Block {
		if d.Name == "log_format" && len(d.Args) > 1 {
			formats[d.Args[0]] = d.Args[1:]
		}
	}
	out := &conf.Directive{Name: h.Name, Args: h.Args, Block: []*conf.Directive{}}
	for _, t := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		out.Block = append(out.Block, dir(t+"_temp_path", filepath.Join(n.Dir, "tmp", t)))
	}
	for _, name := range slices.Sorted(maps.Keys(formats)) {
		out.Block = append(out.Block, labFormat(name, formats[name]))
	}
	hasAccess := false
	for _, d := range h.Block {
		if d.Name == "access_log" {
			hasAccess = true
		}
	}
	if !hasAccess {
		out.Block = append(out.Block, dir("access_log", "/dev/stderr", "ngw2f_lab_combined"))
	}
	out.Block = append(out.Block, n.block(h.Block)...)
	return out
}

// labFormat is the access log format the lab reads: its mark, nginx's
// number for the connection, the worker's PID and the client's address,
// then the format name as it is.
func labFormat(name string, args []string) *conf.Directive {
	var escape []string
	if strings.HasPrefix(args[0], "escape=") {
		escape, args = args[:1], args[1:]
	}
	all := append(append([]string{"ngw2f_lab_" + name}, escape...), accessMark+" $connection $pid $remote_addr:$remote_port ")
	return dir("log_format", append(all, args...)...)
}

// block rewrites the directives of a block inside http, and of the blocks
// within it.
func (n nginxRun) block(dirs []*conf.Directive) []*conf.Directive {
	var out []*conf.Directive
	listened := false
	for _, d := range dirs {
		switch {
		case d.Name == "temp_path" || strings.HasSuffix(d.Name, "_temp_path"):
			continue
		case d.Name == "listen":
			if listened {
				continue
			}
			listened = true
			args := []string{n.Listen}
			if n.defaultServer(dirs) {
				args = append(args, "default_server")
			}
			out = append(out, dir("listen", args...))
			continue
		case d.Name == "server" && len(d.Args) > 0 && !d.IsBlock():
			out = append(out, n.upstreamServer(d))
			continue
		case d.Name == "proxy_pass" || d.Name == "uwsgi_pass":
			out = append(out, n.pass(d))
			continue
		case d.IsBlock():
			c := *d
			c.Block = n.block(d.Block)
			if c.Block == nil {
				c.Block = []*conf.Directive{}
			}
			out = append(out, &c)
			continue
		}
		out = append(out, d)
		switch {
		case d.Name == "access_log" && len(d.Args) > 0 && d.Args[0] != "off":
			format := "combined"
			if len(d.Args) > 1 {
				format = d.Args[1]
			}
			out = append(out, dir("access_log", "/dev/stderr", "ngw2f_lab_"+format))
		case d.Name == "error_log" && len(d.Args) > 0:
			out = append(out, dir("error_log", append([]string{"stderr"}, d.Args[1:]...)...))
		}
	}
	return out
}

// defaultServer reports whether one of the listen directives among dirs
// says default_server.
func (n nginxRun) defaultServer(dirs []*conf.Directive) bool {
	for _, d := range dirs {
		if d.Name == "listen" {
			for _, a := range d.Args[1:] {
				if a == "default_server" || a == "default" {
					return true
				}
			}
		}
	}
	return false
}

// upstreamServer points a server of an upstream block at its relay.
func (n nginxRun) upstreamServer(d *conf.Directive) *conf.Directive {
	c := *d
	if relay, ok := n.Relays[d.Args[0]]; ok {
		c.Args = append([]string{relay}, d.Args[1:]...)
	}
	return &c
}

// pass points a proxy_pass or uwsgi_pass at a relay when it names an
// address rather than an upstream block.
func (n nginxRun) pass(d *conf.Directive) *conf.Directive {
	c := *d
	if len(d.Args) == 0 {
		return &c
	}
	scheme, rest, ok := strings.Cut(d.Args[0], "://")
	if !ok {
		scheme, rest = "", d.Args[0]
	}
	hostport, path, _ := strings.Cut(rest, "/")
	if relay, ok := n.Relays[hostport]; ok {
		arg := relay
		if path != "" || strings.Contains(rest, "/") {
			arg += "/" + path
		}
		if scheme != "" {
			arg = scheme + "://" + arg
		}
		c.Args = append([]string{arg}, d.Args[1:]...)
	}
	return &c
}

// upstreamAddrs returns the addresses nginx passes requests to: the
// servers of its upstream blocks, and the addresses proxy_pass and
// uwsgi_pass name (not a block's name), each once, in order.
func upstreamAddrs(dirs []*conf.Directive) []string {
	blocks := map[string]bool{}
	var walk func([]*conf.Directive, bool, func(*conf.Directive, bool))
	walk = func(ds []*conf.Directive, inUpstream bool, f func(*conf.Directive, bool)) {
		for _, d := range ds {
			f(d, inUpstream)
			if d.IsBlock() {
				walk(d.Block, inUpstream || d.Name == "upstream", f)
			}
		}
	}
	walk(dirs, false, func(d *conf.Directive, _ bool) {
		if d.Name == "upstream" && len(d.Args) > 0 {
			blocks[d.Args[0]] = true
		}
	})
	var addrs []string
	seen := map[string]bool{}
	add := func(a string) {
		if _, _, err := net.SplitHostPort(a); err == nil && !seen[a] {
			seen[a] = true
			addrs = append(addrs, a)
		}
	}
	walk(dirs, false, func(d *conf.Directive, inUpstream bool) {
		switch {
		case inUpstream && d.Name == "server" && len(d.Args) > 0:
			add(d.Args[0])
		case (d.Name == "proxy_pass" || d.Name == "uwsgi_pass") && len(d.Args) > 0:
			_, rest, ok := strings.Cut(d.Args[0], "://")
			if !ok {
				rest = d.Args[0]
			}
			hostport, _, _ := strings.Cut(rest, "/")
			if !blocks[hostport] {
				add(hostport)
			}
		}
	})
	return addrs
}

// format writes directives as nginx.conf text.
func format(dirs []*conf.Directive) string {
	var b strings.Builder
	var write func([]*conf.Directive, int)
	write = func(ds []*conf.Directive, depth int) {
		for _, d := range ds {
			b.WriteString(strings.Repeat("    ", depth))
			b.WriteString(d.Name)
			for _, a := range d.Args {
				b.WriteByte(' ')
				b.WriteString(quote(a))
			}
			if d.IsBlock() {
				b.WriteString(" {\n")
				write(d.Block, depth+1)
				b.WriteString(strings.Repeat("    ", depth) + "}\n")
				continue
			}
			b.WriteString(";\n")
		}
	}
	write(dirs, 0)
	return b.String()
}

// quote writes an argument as nginx reads it back: a backslash escaped,
// and in single quotes when it is empty or holds a space, a quote, ";",
// "{", "}" or "#".
func quote(a string) string {
	a = strings.ReplaceAll(a, `\`, `\\`)
	if a != "" && !strings.ContainsAny(a, " \t\r\n\"';{}#") {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `\'`) + "'"
}
