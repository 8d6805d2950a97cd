package toolkit

import (
	"strconv"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/internal/lazy"
)

// optionsStart and optionsPiece are Werkzeug 2.2.2's regular expressions
// for a header with options, such as Content-Type or Content-Disposition.
var (
	optionsStart = lazy.Regexp(`^,\s*([^;,\s]+)([;,]\s*.+)?`)
	optionsPiece = lazy.Regexp(`^;\s*,?\s*` +
		`("[^"\\]*(?:\\.[^"\\]*)*"|[^\s;,=*]+)` + // key
		`(?:\*(\d+))?` + // continuation index
		`\s*` +
		`(?:(?:\*\s*=\s*(?:([^\s]+?)'([^\s]*?)')?|=\s*)` + // = or *=charset'lang'
		`("[^"\\]*(?:\\.[^"\\]*)*"|[^;,]+)?)?` + // value
		`\s*`)
)

// ParseOptionsHeader splits a header value such as
// `form-data; name="title"` into its first word and its options, the
// option names lower-cased, as Werkzeug's parse_options_header. An
// option given without a value maps to "".
func ParseOptionsHeader(value string) (string, map[string]string) {
	opts := map[string]string{}
	if value == "" {
		return "", opts
	}
	m := optionsStart().FindStringSubmatch("," + strings.ReplaceAll(value, "\n", ","))
	if m == nil {
		return "", opts
	}
	rest := m[2]
	for rest != "" {
		p := optionsPiece().FindStringSubmatchIndex(rest)
		if p == nil {
			break
		}
		group := func(i int) string {
			if p[2*i] < 0 {
				return ""
			}
			return rest[p[2*i]:p[2*i+1]]
		}
		key := strings.ToLower(unquoteHeaderValue(group(1), false))
		count, encoding, val := group(2), group(3), group(5)
		val = unquoteHeaderValue(val, key == "filename")
		if encoding != "" {
			val = Unquote(val) // the lab reads every charset as UTF-8
		}
		if count != "" {
			opts[key] += val
		} else {
			opts[key] = val
		}
		rest = rest[p[1]:]
	}
	return m[1], opts
}

// unquoteHeaderValue takes the quotes off a quoted header value, and the
// backslashes before a backslash or a quote, except in a filename that
// looks like a Windows share (\\server\...).
func unquoteHeaderValue(v string, filename bool) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return v
	}
	v = v[1 : len(v)-1]
	if filename && strings.HasPrefix(v, `\\`) {
		return v
	}
	return strings.ReplaceAll(strings.ReplaceAll(v, `\\`, `\`), `\"`, `"`)
}

// ParseListHeader splits a comma-separated header value such as
// X-Forwarded-For into its items, trimmed, one level of quotes taken off,
// as Werkzeug's parse_list_header (after urllib's parse_http_list):
// commas inside quotes do not split, and an empty item is kept.
func ParseListHeader(value string) []string {
	var parts []string
	var part []byte
	quoted, escaped := false, false
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
			continue
		case quoted && c == '"':
			quoted = false
		case !quoted && c == ',':
			parts = append(parts, string(part))
			part = part[:0]
			continue
		case c == '"':
			quoted = true
		}
		part = append(part, c)
	}
	if len(part) > 0 {
		parts = append(parts, string(part))
	}
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p != "" && p[0] == '"' && p[len(p)-1] == '"' {
			p = unquoteHeaderValue(p[1:max(len(p)-1, 1)], false)
		}
		parts[i] = p
	}
	return parts
}

// parseLength reads a Content-Length as Werkzeug does: an integer, at
// least 0; ok is false when there is none or it is not a number.
func parseLength(s string) (n int64, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return max(n, 0), true
}
