package lessons

import (
	"bufio"
	"strconv"
	"strings"
)

// frontMatter reads the "---" block that opens every lesson file: one
// key: value a line.
func (p *parser) frontMatter(sc *bufio.Scanner) error {
	if !sc.Scan() {
		p.line = 1
		return p.errorf("empty file: a lesson starts with a --- front matter block")
	}
	p.line++
	if strings.TrimSpace(sc.Text()) != "---" {
		return p.errorf("a lesson starts with a --- front matter block")
	}
	for sc.Scan() {
		p.line++
		line := strings.TrimSpace(sc.Text())
		if line == "---" {
			return nil
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return p.errorf("front matter line %q is not key: value", line)
		}
		if err := p.setField(strings.TrimSpace(key), strings.TrimSpace(value)); err != nil {
			return err
		}
	}
	return p.errorf("front matter is never closed with ---")
}

func (p *parser) setField(key, value string) error {
	l := p.lesson
	switch key {
	case "number":
		n, err := strconv.Atoi(value)
		if err != nil || n <= 0 {
			return p.errorf("number must be a positive whole number, not %q", value)
		}
		l.Number = n
	case "slug":
		l.Slug = value
	case "title":
		l.Title = value
	case "talk":
		l.Talk = value
	case "minute":
		l.Minute = value
	case "summary":
		l.Summary = value
	case "status":
		switch value {
		case "ready":
		case "planned":
			l.Planned = true
		default:
			return p.errorf("status must be ready or planned, not %q", value)
		}
	default:
		return p.errorf("unknown front matter key %q (want number, slug, title, talk, minute, summary, status)", key)
	}
	return nil
}
