package proxy

import (
	"fmt"
	"strings"
)

// template is a directive's argument with variables in it ("$uri",
// "${uri}x", "$http_host"), compiled once and evaluated per request.
type template struct {
	raw   string
	parts []part
}

// part is a literal (name "") or a variable.
type part struct {
	lit, name string
}

// Variables whose names nginx knows outright, and the prefixes of the
// families it knows ($http_user_agent, $arg_name, ...).
var (
	knownVars = map[string]bool{
		"uri": true, "document_uri": true, "request_uri": true, "args": true, "query_string": true,
		"is_args": true, "host": true, "hostname": true, "remote_addr": true, "remote_port": true,
		"remote_user": true, "server_addr": true, "server_port": true, "server_name": true,
		"server_protocol": true, "scheme": true, "request_method": true, "request": true,
		"document_root": true, "proxy_host": true, "proxy_port": true,
		"proxy_add_x_forwarded_for": true, "content_length": true, "content_type": true,
		"nginx_version": true, "pid": true, "msec": true, "time_local": true, "time_iso8601": true,
		"status": true, "body_bytes_sent": true, "bytes_sent": true, "request_length": true,
		"request_time": true, "connection": true, "connection_requests": true,
		"upstream_addr": true, "upstream_status": true, "https": true,
	}
	knownVarPrefixes = []string{"http_", "arg_", "cookie_", "sent_http_", "upstream_http_"}
)

func isVarChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// compileTemplate compiles s, refusing a variable nginx would not know
// with nginx's words.
func compileTemplate(s string) (template, error) {
	t := template{raw: s}
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			lit.WriteByte(s[i])
			continue
		}
		var name string
		switch {
		case i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return t, fmt.Errorf(`the closing bracket in "%s" variable is missing`, s[i+2:])
			}
			name = s[i+2 : i+2+end]
			i += 2 + end
		default:
			j := i + 1
			for j < len(s) && isVarChar(s[j]) {
				j++
			}
			name = s[i+1 : j]
			i = j - 1
		}
		if name == "" {
			return t, fmt.Errorf(`invalid variable name in "%s"`, s)
		}
		if !varKnown(name) {
			return t, fmt.Errorf(`unknown "%s" variable`, name)
		}
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String()})
			lit.Reset()
		}
		t.parts = append(t.parts, part{name: name})
	}
	if lit.Len() > 0 || len(t.parts) == 0 {
		t.parts = append(t.parts, part{lit: lit.String()})
	}
	return t, nil
}

func varKnown(name string) bool {
	if knownVars[name] || name[0] >= '0' && name[0] <= '9' {
		return true
	}
	for _, p := range knownVarPrefixes {
		if strings.HasPrefix(name, p) && len(name) > len(p) {
			return true
		}
	}
	return false
}

// constant returns the template's value when it has no variable.
func (t template) constant() (string, bool) {
	if len(t.parts) == 1 && t.parts[0].name == "" {
		return t.parts[0].lit, true
	}
	return "", false
}

// variables looks up a variable's value for one request.
type variables interface {
	variable(name string) string
}

// appendTo appends the template's value for vs to dst.
func (t template) appendTo(dst []byte, vs variables) []byte {
	for _, p := range t.parts {
		if p.name == "" {
			dst = append(dst, p.lit...)
		} else {
			dst = append(dst, vs.variable(p.name)...)
		}
	}
	return dst
}

// eval returns the template's value for vs.
func (t template) eval(vs variables) string {
	if s, ok := t.constant(); ok {
		return s
	}
	return string(t.appendTo(nil, vs))
}
