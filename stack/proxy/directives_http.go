package proxy

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
)

// rootPath is root's or alias's path.
type rootPath struct {
	path  string
	alias bool
}

func setRoot(_ *builder, blk *block, d *conf.Directive) error {
	if prev, ok := blk.vals["root"].(rootPath); ok {
		if (d.Name == "alias") == prev.alias {
			return d.Errorf(`"%s" directive is duplicate`, d.Name)
		}
		earlier := "root"
		if prev.alias {
			earlier = "alias"
		}
		return d.Errorf(`"%s" directive is duplicate, "%s" directive was specified earlier`, d.Name, earlier)
	}
	if strings.Contains(d.Args[0], "$") {
		return d.Errorf(`"%s" directive is not supported by ngw2f-lab with variables in it`, d.Name)
	}
	blk.vals["root"] = rootPath{path: d.Args[0], alias: d.Name == "alias"}
	return nil
}

// tryParam is one parameter of try_files.
type tryParam struct {
	name  template // a file, or a directory when dir is set
	dir   bool
	code  int    // "=404": answer with this code
	named string // "@fallback": go to this named location
}

func setTryFiles(_ *builder, blk *block, d *conf.Directive) error {
	var params []tryParam
	for i, a := range d.Args {
		last := i == len(d.Args)-1
		var p tryParam
		switch {
		case last && strings.HasPrefix(a, "="):
			code, err := strconv.Atoi(a[1:])
			if err != nil || code < 100 || code > 999 {
				return d.Errorf(`invalid code "%s"`, a)
			}
			p.code = code
		case last && strings.HasPrefix(a, "@"):
			p.named = a
		default:
			name := a
			if strings.HasSuffix(name, "/") && !last {
				p.dir, name = true, name[:len(name)-1]
			}
			t, err := compileTemplate(name)
			if err != nil {
				return err
			}
			p.name = t
		}
		params = append(params, p)
	}
	blk.vals[d.Name] = params
	return nil
}

func setTypes(_ *builder, blk *block, d *conf.Directive) error {
	types := map[string]string{}
	for _, t := range d.Block {
		for _, ext := range t.Args {
			types[strings.ToLower(ext)] = t.Name
		}
	}
	blk.vals["types"] = types
	return nil
}

// returnConf is a return directive.
type returnConf struct {
	code int
	text template // the body, or the URL for a redirect
	has  bool     // text was given
}

func setReturn(_ *builder, blk *block, d *conf.Directive) error {
	var r returnConf
	first := d.Args[0]
	code, err := strconv.Atoi(first)
	switch {
	case err == nil && code >= 0 && code <= 999 && len(d.Args) <= 2:
		r.code = code
	case len(d.Args) == 1 && (strings.HasPrefix(first, "http://") || strings.HasPrefix(first, "https://") || strings.HasPrefix(first, "$scheme")):
		r.code = 302
		r.has = true
		if r.text, err = compileTemplate(first); err != nil {
			return err
		}
		blk.vals["return"] = r
		return nil
	default:
		return d.Errorf(`invalid return code "%s"`, first)
	}
	if len(d.Args) == 2 {
		r.has = true
		if r.text, err = compileTemplate(d.Args[1]); err != nil {
			return err
		}
	}
	blk.vals["return"] = r
	return nil
}

func setListen(b *builder, _ *block, d *conf.Directive) error {
	l, err := parseListen(d)
	if err != nil {
		return err
	}
	b.server.listens = append(b.server.listens, l)
	return nil
}

func setServerName(b *builder, _ *block, d *conf.Directive) error {
	for _, n := range d.Args {
		b.server.names = append(b.server.names, strings.ToLower(n))
	}
	return nil
}

func enterHTTP(b *builder, blk *block, d *conf.Directive) error {
	b.c.http = newBlock(blk, "http")
	return b.apply(b.c.http, d.Block)
}

func enterServer(b *builder, blk *block, d *conf.Directive) error {
	s := &serverConf{block: newBlock(blk, "server"), named: map[string]*location{}}
	b.c.servers = append(b.c.servers, s)
	b.server = s
	defer func() { b.server = nil }()
	return b.apply(s.block, d.Block)
}

// regexpMatcher matches a regular expression location; nil for others.
type regexpMatcher = *regexp.Regexp

func enterLocation(b *builder, blk *block, d *conf.Directive) error {
	l := &location{block: newBlock(blk, "location")}
	if len(d.Args) == 2 {
		l.modifier, l.path = d.Args[0], d.Args[1]
	} else {
		l.path = d.Args[0]
		switch {
		case strings.HasPrefix(l.path, "@"):
			l.modifier = "@"
		case strings.HasPrefix(l.path, "="), strings.HasPrefix(l.path, "^~"):
			// nginx reads "=/x" as "= /x".
			m := "="
			if strings.HasPrefix(l.path, "^~") {
				m = "^~"
			}
			l.modifier, l.path = m, l.path[len(m):]
		}
	}
	switch l.modifier {
	case "", "=", "^~", "@":
	case "~", "~*":
		expr := l.path
		if l.modifier == "~*" {
			expr = "(?i)" + expr
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return d.Errorf(`regular expression "%s" is not supported by ngw2f-lab: %v`, l.path, err)
		}
		l.re = re
	default:
		return d.Errorf(`invalid location modifier "%s"`, l.modifier)
	}
	if l.modifier == "@" {
		if blk.kind != "server" {
			return d.Errorf(`named location "%s" can be on the server level only`, l.path)
		}
		b.server.named[l.path] = l
	} else if parent := b.locations[blk]; parent != nil {
		parent.children = append(parent.children, l)
	} else {
		b.server.locations = append(b.server.locations, l)
	}
	b.locations[l.block] = l
	return b.apply(l.block, d.Block)
}
