package toolkit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cookie is one cookie a response sets, with the attributes of
// Werkzeug's set_cookie.
type Cookie struct {
	Name, Value string
	// MaxAge is how long the cookie lives; zero means for the browser's
	// session. It sets Expires too, to now plus MaxAge, as Werkzeug does.
	MaxAge time.Duration
	// Expires is when the cookie dies; the zero time means not said.
	Expires time.Time
	// Path limits the cookie to a path; empty means "/".
	Path string
	// Domain lets other hosts of a domain see the cookie; it must have a
	// dot, as browsers refuse a domain such as localhost.
	Domain           string
	Secure, HTTPOnly bool
	// SameSite is "Strict", "Lax", "None" or empty for not said.
	SameSite string
}

// SetCookie adds a Set-Cookie header for c, written as Werkzeug's
// dump_cookie writes it: name=value (quoted when the value needs it),
// then Domain, Expires, Max-Age, Secure, HttpOnly, Path and SameSite.
func (r *Response) SetCookie(c Cookie) error {
	v, err := c.header(time.Now)
	if err != nil {
		return err
	}
	r.Headers = r.Headers.Add("Set-Cookie", v)
	return nil
}

// DeleteCookie adds a Set-Cookie header that makes the browser forget the
// cookie name set for path ("" for "/"), as Werkzeug's delete_cookie.
func (r *Response) DeleteCookie(name, path string) {
	c := Cookie{Name: name, Path: path, Expires: time.Unix(0, 0)}
	v, _ := c.header(time.Now)
	v = strings.Replace(v, "; Path=", "; Max-Age=0; Path=", 1)
	r.Headers = r.Headers.Add("Set-Cookie", v)
}

func (c Cookie) header(now func() time.Time) (string, error) {
	var b strings.Builder
	b.WriteString(c.Name + "=" + cookieQuote(c.Value))
	if c.Domain != "" {
		d, _, _ := strings.Cut(c.Domain, ":")
		if !strings.Contains(d, ".") {
			return "", fmt.Errorf("toolkit: setting 'domain' for a cookie on a server running locally (ex: localhost) is not supported by complying browsers: %q has no dot", c.Domain)
		}
		b.WriteString("; Domain=" + cookieQuote(d))
	}
	exp := c.Expires
	if exp.IsZero() && c.MaxAge != 0 {
		exp = now().Add(c.MaxAge)
	}
	if !exp.IsZero() {
		b.WriteString("; Expires=" + HTTPDate(exp))
	}
	if c.MaxAge != 0 {
		b.WriteString("; Max-Age=" + strconv.Itoa(int(c.MaxAge/time.Second)))
	}
	if c.Secure {
		b.WriteString("; Secure")
	}
	if c.HTTPOnly {
		b.WriteString("; HttpOnly")
	}
	path := c.Path
	if path == "" {
		path = "/"
	}
	b.WriteString("; Path=" + IRIToURI(path))
	if c.SameSite != "" {
		s := strings.ToUpper(c.SameSite[:1]) + strings.ToLower(c.SameSite[1:])
		if s != "Strict" && s != "Lax" && s != "None" {
			return "", errors.New("toolkit: SameSite must be 'Strict', 'Lax', or 'None'")
		}
		b.WriteString("; SameSite=" + s)
	}
	return b.String(), nil
}

// HTTPDate writes t as an HTTP date in GMT: "Mon, 23 Nov 2026 10:15:59 GMT".
func HTTPDate(t time.Time) string { return t.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT") }

// cookieLegal are the bytes a cookie value may hold unquoted.
const cookieLegal = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/=!#$%&'*+-.^_`|~:"

// cookieQuote quotes a cookie value as Werkzeug does when it holds a byte
// outside cookieLegal: in double quotes, with ',' ';' '"' and '\' and
// every control or non-ASCII byte as a backslash escape.
func cookieQuote(v string) string {
	legal := true
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if strings.IndexByte(cookieLegal, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		legal = false
		switch {
		case c == ',':
			b.WriteString(`\054`)
		case c == ';':
			b.WriteString(`\073`)
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 32 || c >= 127:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	if legal {
		return v
	}
	return `"` + b.String() + `"`
}

// ParseCookie reads a Cookie header as Werkzeug's parse_cookie: pairs
// separated by ';', a key up to '=' (a pair with none has an empty
// value), spaces around both trimmed, a quoted value unquoted, an empty
// key skipped.
func ParseCookie(header string) *MultiDict {
	d := &MultiDict{}
	for s := header; s != ""; {
		var part string
		key, rest, _ := cutAny(s, "=;")
		if len(rest) > 0 && rest[0] == '=' {
			part, s = cookieValue(rest[1:])
		} else {
			s = strings.TrimPrefix(rest, ";")
		}
		if key = strings.TrimSpace(key); key != "" {
			d.Add(ValidUTF8(key), ValidUTF8(cookieUnquote(part)))
		}
	}
	return d
}

// cutAny cuts s before the first byte that is in chars.
func cutAny(s, chars string) (before, after string, found bool) {
	if i := strings.IndexAny(s, chars); i >= 0 {
		return s[:i], s[i:], true
	}
	return s, "", false
}

// cookieValue reads a value after '=': a quoted string when it is one and
// a ';' (or the end) follows it, else everything up to the next ';'.
func cookieValue(s string) (value, rest string) {
	s = strings.TrimLeft(s, " \t")
	if strings.HasPrefix(s, `"`) {
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				after := strings.TrimLeft(s[i+1:], " \t")
				if after == "" || after[0] == ';' {
					return s[:i+1], strings.TrimPrefix(after, ";")
				}
				break
			}
		}
	}
	value, rest, _ = strings.Cut(s, ";")
	return strings.TrimRight(value, " \t"), rest
}

// cookieUnquote undoes cookieQuote: the quotes, \NNN octal escapes and
// backslash escapes.
func cookieUnquote(v string) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return v
	}
	v = v[1 : len(v)-1]
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i+1 >= len(v) {
			b.WriteByte(v[i])
			continue
		}
		if i+3 < len(v) && isOctalEscape(v[i+1:i+4]) {
			n, _ := strconv.ParseUint(v[i+1:i+4], 8, 8)
			b.WriteByte(byte(n))
			i += 3
			continue
		}
		b.WriteByte(v[i+1])
		i++
	}
	return b.String()
}

func isOctalEscape(s string) bool {
	return len(s) == 3 && '0' <= s[0] && s[0] <= '3' && '0' <= s[1] && s[1] <= '7' && '0' <= s[2] && s[2] <= '7'
}
